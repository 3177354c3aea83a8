import JWTAuditDetection

/// Reads a rules file (YAML) into a ``RuleSet``. See docs/rules.md.
public enum RulesFile {}
