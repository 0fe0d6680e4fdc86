import EscalateIcon from '@mui/icons-material/MoveUp';
import { DialogContentText, TextField } from '@mui/material';
import { useState } from 'react';
import { Button, useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialog } from '../../layout/CommandDialog';

/** Hand the case to supervisors, saying why (an internal note). */
export const EscalateButton = () => {
    const record = useRecordContext<CaseDetail>();
    const translate = useTranslate();
    const [open, setOpen] = useState(false);
    const [note, setNote] = useState('');
    const close = () => {
        setOpen(false);
        setNote('');
    };
    const { mutate, isPending, error, reset } = useCaseCommand(record, { onDone: close });
    if (!record) return null;
    const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.escalate.${key}`, options);
    return (
        <>
            <Button
                label="resources.cases.actions.escalate"
                onClick={() => {
                    reset();
                    setOpen(true);
                }}
            >
                <EscalateIcon />
            </Button>
            <CommandDialog
                open={open}
                onClose={close}
                title={t('title', { id: record.id })}
                confirmLabel={t('confirm')}
                canSubmit={Boolean(note.trim())}
                isPending={isPending}
                error={error}
                onSubmit={() => mutate({ action: 'escalate', body: { note: note.trim() } })}
            >
                <DialogContentText>{t('effect')}</DialogContentText>
                <TextField
                    autoFocus
                    fullWidth
                    multiline
                    minRows={3}
                    required
                    label={t('note')}
                    value={note}
                    onChange={event => setNote(event.target.value)}
                    slotProps={{ htmlInput: { maxLength: 2000 } }}
                />
            </CommandDialog>
        </>
    );
};
