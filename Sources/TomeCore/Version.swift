/// One version for the whole tool: the commands print it, the build cache's
/// fingerprint includes it, the MCP server announces it.
public enum TomeVersion {
    public static let string = "0.1.0"
}
