export interface SchemaEngineHandle {
  diff(params: unknown): Promise<{ exitCode: number; stdout: string | null }>;
}
export function loadSchemaEngine(datamodel: string, connectionString?: string): Promise<SchemaEngineHandle>;
export function diffSql(engine: SchemaEngineHandle, from: string | { tag: string }, to: string | { tag: string }): Promise<string>;
