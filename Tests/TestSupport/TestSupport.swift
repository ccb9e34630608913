public enum TestSupport { }
