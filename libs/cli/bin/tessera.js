#!/usr/bin/env node
// The CLI is TypeScript run as-is (like the services): register tsx, then load the entry.
// A dynamic import, so the entry is loaded only after the loader is registered.
import { register } from 'tsx/esm/api'

register()
await import('../src/main.ts')
