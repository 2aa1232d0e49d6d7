UPDATE inquiry_tasks SET found = COALESCE((
    SELECT string_agg(f.kind || '=' || COALESCE(f.amount_fen::text, ''), ',' ORDER BY f.id)
    FROM asset_findings f WHERE f.inquiry_task_id = inquiry_tasks.id), '')
WHERE status <> 'done';
