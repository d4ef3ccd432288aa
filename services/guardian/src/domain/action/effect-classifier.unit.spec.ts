import { describe, expect, it } from 'vitest'
import { classifyEffect, toolWords } from './effect-classifier.ts'

describe('the action-effect classifier', () => {
  it('splits tool names into words, camelCase included', () => {
    expect(toolWords('db.dropTable')).toEqual(['db', 'drop', 'table'])
    expect(toolWords('files:read_text-v2')).toEqual(['files', 'read', 'text', 'v2'])
  })

  it.each([
    ['search_web', 'read', 0.9],
    ['listFiles', 'read', 0.9],
    ['files.read', 'read', 0.7],
    ['create_issue', 'mutating', 0.9],
    ['github_create_issue', 'mutating', 0.7],
    ['send_email', 'mutating', 0.9],
    ['delete_file', 'destructive', 0.9],
    ['db_drop_table', 'destructive', 0.7],
    ['transfer_funds', 'destructive', 0.9],
    ['grant_role', 'admin', 0.9],
    ['iam.update_policy', 'admin', 0.5],
    ['get_then_delete', 'destructive', 0.5],
  ] as const)('%s is %s at %s', (tool, effect, confidence) => {
    expect(classifyEffect(tool)).toMatchObject({ effect, confidence })
  })

  it('treats an unknown name as mutating with low confidence, never as read', () => {
    expect(classifyEffect('frobnicate')).toEqual({
      effect: 'mutating',
      confidence: 0.3,
      matched: null,
    })
    expect(classifyEffect('')).toEqual({ effect: 'mutating', confidence: 0.3, matched: null })
  })

  it('lets the riskier class win when words of several appear', () => {
    expect(classifyEffect('read_and_delete').effect).toBe('destructive')
    expect(classifyEffect('list_admin_users').effect).toBe('admin')
  })
})
