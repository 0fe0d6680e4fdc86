import RejectIcon from '@mui/icons-material/HighlightOff';
import { DialogContentText, TextField } from '@mui/material';
import { useState } from 'react';
import { Button, useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialog } from '../../layout/CommandDialog';
import { ReasonCodeSelect } from './ReasonCodeSelect';

/** Reject with a reason code (the user is told its category) and an optional internal note. */
export const RejectButton = () => {
    const record = useRecordContext<CaseDetail>();
    const translate = useTranslate();
    const [open, setOpen] = useState(false);
    const [reasonCode, setReasonCode] = useState('');
    const [note, setNote] = useState('');
    const close = () => {
        setOpen(false);
        setReasonCode('');
        setNote('');
    };
    const { mutate, isPending, error, reset } = useCaseCommand(record, { onDone: close });
    if (!record) return null;
    const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.reject.${key}`, options);
    return (
        <>
            <Button
                label="resources.cases.actions.reject"
                variant="outlined"
                color="error"
                onClick={() => {
                    reset();
                    setOpen(true);
                }}
            >
                <RejectIcon />
            </Button>
            <CommandDialog
                open={open}
                onClose={close}
                title={t('title', { id: record.id })}
                confirmLabel={t('confirm')}
                confirmColor="error"
                canSubmit={Boolean(reasonCode)}
                isPending={isPending}
                error={error}
                onSubmit={() =>
                    mutate({ action: 'reject', body: { reasonCode, ...(note.trim() ? { note: note.trim() } : {}) } })
                }
            >
                <DialogContentText>{t('effect')}</DialogContentText>
                <ReasonCodeSelect kind="reject" value={reasonCode} onChange={code => setReasonCode(code?.code ?? '')} />
                <TextField
                    fullWidth
                    multiline
                    minRows={2}
                    label={t('note')}
                    helperText={t('note_hint')}
                    value={note}
                    onChange={event => setNote(event.target.value)}
                    slotProps={{ htmlInput: { maxLength: 2000 } }}
                />
            </CommandDialog>
        </>
    );
};
