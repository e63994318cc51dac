import Mustache

/// Renders the embedded Mustache templates of `templates/`. Templates may include each other
/// as partials by path, e.g. `{{> common/wires}}`; each is rendered from a typed
/// ``TemplateContext``.
enum TemplateRenderer {
    /// Every embedded template, by path relative to `templates/` without `.mustache`.
    private static let library: MustacheLibrary = {
        var parsed: [String: MustacheTemplate] = [:]
        for (path, text) in EmbeddedTemplates.files {
            // The embedded templates are checked by a test, so a parse failure is a build defect.
            parsed[String(path.dropLast(".mustache".count))] = try! MustacheTemplate(string: text)
        }
        return MustacheLibrary(templates: parsed)
    }()

    /// Renders template `name` (relative to `templates/`, without `.mustache`) with `context`.
    static func render(_ name: String, _ context: some TemplateContext) -> String {
        guard let text = library.render(lookupTable(context), withTemplate: name) else {
            preconditionFailure("no embedded template \(name)")
        }
        return text
    }

    /// `value` as nested dictionaries (stored property name → value) and arrays, which is what
    /// the renderer would see by reflection: a dictionary is looked up by hashing, where a
    /// struct costs a reflection per name (rendering a 10×6 crossbar took 4.5× as long).
    private static func lookupTable(_ value: Any) -> Any {
        switch value {
        case is String, is Int, is Bool, is [String]: return value
        case let list as [Any]: return list.map(lookupTable)
        default:
            return Dictionary(uniqueKeysWithValues: Mirror(reflecting: value).children.map { ($0.label!, lookupTable($0.value)) })
        }
    }
}
