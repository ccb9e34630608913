public enum SourcesInfo { }
