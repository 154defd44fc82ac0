/// Callout blocks: GitHub's alert syntax (`> [!NOTE]`) and the old wiki's names.
/// Each renders with a visible label and a role, never colour alone.
enum Callout {
    struct Kind {
        var style: String
        var label: String
    }

    static func kind(marker: String) -> Kind? {
        guard marker.hasPrefix("[!"), marker.hasSuffix("]") else { return nil }
        let name = marker.dropFirst(2).dropLast().lowercased()
        switch name {
        case "note": return Kind(style: "note", label: "Note")
        case "tip": return Kind(style: "tip", label: "Tip")
        case "important": return Kind(style: "important", label: "Important")
        case "warning": return Kind(style: "warning", label: "Warning")
        case "caution": return Kind(style: "caution", label: "Caution")
        case "info": return Kind(style: "note", label: "Info")
        case "success": return Kind(style: "tip", label: "Success")
        case "danger": return Kind(style: "caution", label: "Danger")
        default: return nil
        }
    }
}
