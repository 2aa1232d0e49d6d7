UPDATE inquiry_tasks SET found = COALESCE((
    SELECT group_concat(f.kind || '=' || COALESCE(f.amount_fen, ''), ',')
    FROM (SELECT kind, amount_fen FROM asset_findings
          WHERE inquiry_task_id = inquiry_tasks.id ORDER BY id) f), '')
WHERE status <> 'done';
