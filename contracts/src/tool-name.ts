/**
 * A tool name's words: camelCase split, lowercase, every run of other characters than a-z 0-9
 * a separator. `db.dropTable` → `db`, `drop`, `table`.
 */
export function toolWords(toolName: string): string[] {
  return toolName
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
}

/**
 * The name guardian's org rules and pacts' param bindings match: the tool's words, lowercase,
 * joined by `_`. `Transfer_Funds`, `transferFunds`, `transfer-funds`, `transfer.funds`,
 * `transfer funds`, `transfer:funds` and `TRANSFER_FUNDS` are all `transfer_funds`, so an agent
 * cannot step around a rule by spelling the tool another way.
 */
export function normaliseToolName(toolName: string): string {
  return toolWords(toolName).join('_')
}
