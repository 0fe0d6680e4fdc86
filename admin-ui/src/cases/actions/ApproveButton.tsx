import ApproveIcon from '@mui/icons-material/CheckCircleOutlined';
import { Alert, DialogContentText, TextField } from '@mui/material';
import { useState } from 'react';
import { Button, useRecordContext, useTranslate } from 'react-admin';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialog } from '../../layout/CommandDialog';

/**
 * Approve, after a confirmation that says what follows: for a high-risk case
 * in review, this is the first of two approvals; otherwise the user's old 2FA
 * tools and sessions are revoked and a rebind link goes out.
 */
export const ApproveButton = () => {
    const record = useRecordContext<CaseDetail>();
    const translate = useTranslate();
    const formatDateTime = useFormatDateTime();
    const [open, setOpen] = useState(false);
    const [note, setNote] = useState('');
    const close = () => {
        setOpen(false);
        setNote('');
    };
    const { mutate, isPending, error, reset } = useCaseCommand(record, { onDone: close });
    if (!record) return null;
    const firstOfTwo = record.status === 'in_review' && record.riskBand === 'high';
    const secondApproval = record.status === 'awaiting_second_approval';
    const t = (key: string, options?: Record<string, unknown>) => translate(`resources.cases.dialogs.approve.${key}`, options);
    return (
        <>
            <Button
                label="resources.cases.actions.approve"
                variant="contained"
                color="success"
                onClick={() => {
                    reset();
                    setOpen(true);
                }}
            >
                <ApproveIcon />
            </Button>
            <CommandDialog
                open={open}
                onClose={close}
                title={t(secondApproval ? 'title_second' : 'title', { id: record.id })}
                confirmLabel={t(firstOfTwo ? 'confirm_first' : 'confirm')}
                confirmColor="success"
                isPending={isPending}
                error={error}
                onSubmit={() => mutate({ action: 'approve', body: note.trim() ? { note: note.trim() } : {} })}
            >
                {secondApproval ? (
                    <Alert severity="info">
                        {t('first_given', {
                            name: record.firstApproverName ?? '–',
                            date: formatDateTime(record.firstApprovedAt),
                        })}
                    </Alert>
                ) : null}
                <DialogContentText>{t(firstOfTwo ? 'effect_first' : 'effect')}</DialogContentText>
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
