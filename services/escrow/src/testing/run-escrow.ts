import { runService } from '@tessera/service-kit'
import { escrow } from '../service.ts'

// Escrow as a process of its own on a test's schema (ESCROW_TEST_SCHEMA), for kill -9 tests.
await runService({ ...escrow, name: process.env['ESCROW_TEST_SCHEMA']! })
