public enum TUIInfo { }
