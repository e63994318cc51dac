import Mustache

/// Renders the embedded Mustache templates of `templates/`.
enum TemplateRenderer {
    /// Parsed templates by path relative to `templates/`, e.g. `ngspice/crossbar.cir`.
    private static let templates: [String: MustacheTemplate] = {
        var parsed: [String: MustacheTemplate] = [:]
        for (path, text) in EmbeddedTemplates.files {
            // The embedded templates are checked by a test, so a parse failure is a build defect.
            parsed[String(path.dropLast(".mustache".count))] = try! MustacheTemplate(string: text)
        }
        return parsed
    }()

    /// Renders template `name` (relative to `templates/`, without `.mustache`) with `context`.
    static func render(_ name: String, _ context: [String: Any]) -> String {
        guard let template = templates[name] else {
            preconditionFailure("no embedded template \(name)")
        }
        return template.render(context)
    }
}
