package names

// Language names a target language for keyword escaping.
type Language string

// The target languages.
const (
	Rust       Language = "rust"
	Python     Language = "python"
	JavaScript Language = "javascript"
	Go         Language = "go"
)

// Reserved reports whether word cannot be used as an identifier in lang.
func Reserved(lang Language, word string) bool { return reserved[lang][word] }

// Escape returns an identifier usable in lang for word: word itself when it
// is not reserved, else the language's customary escape: Rust raw
// identifiers (r#type; "self", "Self", "super", "crate" cannot be raw and
// get a trailing underscore), a trailing underscore in Python (from_, as
// PEP 8 says) and Go (type_), and a trailing underscore in JavaScript.
func Escape(lang Language, word string) string {
	if !Reserved(lang, word) {
		return word
	}
	if lang == Rust {
		switch word {
		case "self", "Self", "super", "crate", "_":
			return word + "_"
		}
		return "r#" + word
	}
	return word + "_"
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var reserved = map[Language]map[string]bool{
	Rust: set("as", "break", "const", "continue", "crate", "else", "enum", "extern",
		"false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move",
		"mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
		"trait", "true", "type", "unsafe", "use", "where", "while", "async", "await",
		"dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
		"typeof", "unsized", "virtual", "yield", "try", "union", "_"),
	Python: set("False", "None", "True", "and", "as", "assert", "async", "await",
		"break", "class", "continue", "def", "del", "elif", "else", "except",
		"finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
		"nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
		"yield", "match", "case", "type", "_",
		// builtins a generated client shadows at its peril
		"self", "cls",
		// names client.py's classes and methods use: type annotations,
		// record methods, the client's own method and locals of its methods
		"str", "int", "float", "bool", "bytes", "datetime", "to_dict", "from_dict",
		"discover", "params", "result", "cast", "timeout"),
	JavaScript: set("break", "case", "catch", "class", "const", "continue", "debugger",
		"default", "delete", "do", "else", "enum", "export", "extends", "false",
		"finally", "for", "function", "if", "import", "in", "instanceof", "new",
		"null", "return", "super", "switch", "this", "throw", "true", "try", "typeof",
		"var", "void", "while", "with", "yield", "let", "static", "implements",
		"interface", "package", "private", "protected", "public", "await",
		"arguments", "eval", "undefined", "NaN", "Infinity"),
	Go: set("break", "case", "chan", "const", "continue", "default", "defer", "else",
		"fallthrough", "for", "func", "go", "goto", "if", "import", "interface", "map",
		"package", "range", "return", "select", "struct", "switch", "type", "var",
		// predeclared identifiers that would shadow types used by generated code
		"bool", "string", "error", "byte", "rune", "int", "int32", "int64", "uint32",
		"uint64", "float32", "float64", "any", "nil", "true", "false", "len", "cap",
		"make", "new", "append", "copy", "delete", "panic", "recover", "print",
		"println", "close", "complex", "real", "imag", "iota"),
}
