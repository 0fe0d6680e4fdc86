import RequestInfoIcon from '@mui/icons-material/HelpOutlineOutlined';
import { DialogContentText, TextField } from '@mui/material';
import { useState } from 'react';
import { Button, useRecordContext, useTranslate } from 'react-admin';
import type { CaseDetail } from '../case-types';
import { useCaseCommand } from '../useCaseCommand';
import { CommandDialog } from '../../layout/CommandDialog';
import { ReasonCodeSelect } from './ReasonCodeSelect';

/** Ask the user for more information: a reason code and a message they will read. */
export const RequestInfoButton = () => {
    const record = useRecordContext<CaseDetail>();
    const translate = useTranslate();
    const [open, setOpen] = useState(false);
    const [reasonCode, setReasonCode] = useState('');
    const [message, setMessage] = useState('');
    const close = () => {
        setOpen(false);
        setReasonCode('');
        setMessage('');
    };
    const { mutate, isPending, error, reset } = useCaseCommand(record, { onDone: close });
    if (!record) return null;
    const t = (key: string, options?: Record<string, unknown>) =>
        translate(`resources.cases.dialogs.request_info.${key}`, options);
    return (
        <>
            <Button
                label="resources.cases.actions.request-info"
                onClick={() => {
                    reset();
                    setOpen(true);
                }}
            >
                <RequestInfoIcon />
            </Button>
            <CommandDialog
                open={open}
                onClose={close}
                title={t('title', { id: record.id })}
                confirmLabel={t('confirm')}
                canSubmit={Boolean(reasonCode && message.trim())}
                isPending={isPending}
                error={error}
                onSubmit={() => mutate({ action: 'request-info', body: { reasonCode, message: message.trim() } })}
            >
                <DialogContentText>{t('effect')}</DialogContentText>
                <ReasonCodeSelect kind="request_info" value={reasonCode} onChange={code => setReasonCode(code?.code ?? '')} />
                <TextField
                    fullWidth
                    multiline
                    minRows={3}
                    required
                    label={t('message')}
                    helperText={t('message_hint')}
                    value={message}
                    onChange={event => setMessage(event.target.value)}
                    slotProps={{ htmlInput: { maxLength: 2000 } }}
                />
            </CommandDialog>
        </>
    );
};
