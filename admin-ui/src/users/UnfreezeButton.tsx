import UnfreezeIcon from '@mui/icons-material/LockOpen';
import { DialogContentText, TextField } from '@mui/material';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, useDataProvider, useNotify, useRecordContext, useTranslate } from 'react-admin';
import { CommandDialog } from '../layout/CommandDialog';
import type { RebindDataProvider } from '../dataProvider';
import { MIN_JUSTIFICATION } from './RevealButton';
import type { UserDetail } from './user-types';

/** A supervisor lifts a freeze after review, saying why (audited). */
export const UnfreezeButton = () => {
    const record = useRecordContext<UserDetail>();
    const translate = useTranslate();
    const notify = useNotify();
    const queryClient = useQueryClient();
    const dataProvider = useDataProvider<RebindDataProvider>();
    const [open, setOpen] = useState(false);
    const [justification, setJustification] = useState('');
    const close = () => {
        setOpen(false);
        setJustification('');
    };
    const { mutate, isPending, error, reset } = useMutation<UserDetail, unknown, void>({
        mutationFn: () => dataProvider.unfreezeUser(record!.id, justification.trim()),
        onSuccess: detail => {
            queryClient.setQueryData(['users', 'getOne', { id: String(detail.id) }], detail);
            void queryClient.invalidateQueries({ queryKey: ['users', 'getList'] });
            notify('resources.users.unfreeze.done', { type: 'success' });
            close();
        },
        onError: failure => {
            if (failure instanceof Error && (failure as { status?: number }).status === 400) return;
            notify(failure instanceof Error ? failure.message : 'ra.notification.http_error', { type: 'error' });
            void queryClient.invalidateQueries({ queryKey: ['users', 'getOne', { id: String(record?.id) }] });
            close();
        },
    });
    if (!record || record.status !== 'frozen') return null;
    const t = (key: string, options?: Record<string, unknown>) => translate(`resources.users.unfreeze.${key}`, options);
    return (
        <>
            <Button
                label="resources.users.unfreeze.button"
                variant="contained"
                onClick={() => {
                    reset();
                    setOpen(true);
                }}
            >
                <UnfreezeIcon />
            </Button>
            <CommandDialog
                open={open}
                onClose={close}
                title={t('title', { id: record.id })}
                confirmLabel={t('confirm')}
                canSubmit={justification.trim().length >= MIN_JUSTIFICATION}
                isPending={isPending}
                error={error}
                onSubmit={() => mutate()}
            >
                <DialogContentText>{t('effect')}</DialogContentText>
                <TextField
                    autoFocus
                    fullWidth
                    multiline
                    minRows={2}
                    required
                    label={translate('resources.users.reveal.justification')}
                    helperText={translate('resources.users.reveal.justification_hint', { smart_count: MIN_JUSTIFICATION })}
                    value={justification}
                    onChange={event => setJustification(event.target.value)}
                    slotProps={{ htmlInput: { maxLength: 500 } }}
                />
            </CommandDialog>
        </>
    );
};
