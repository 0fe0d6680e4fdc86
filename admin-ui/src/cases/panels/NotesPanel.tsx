import { Alert, Box, Button, Chip, FormControlLabel, Stack, Switch, TextField, Typography } from '@mui/material';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useDataProvider, useNotify, useTranslate } from 'react-admin';
import type { RebindDataProvider } from '../../dataProvider';
import { Panel } from '../../layout/Panel';
import { useFormatDateTime } from '../../layout/useFormatDateTime';
import type { CaseDetail, CaseNote } from '../case-types';
import { validationMessageOf } from '../../layout/http-errors';
import { useStoreCaseDetail } from '../useCaseCommand';
import { useStaffName } from '../../staff-directory/useStaffDirectory';

type Visibility = CaseNote['visibility'];

const AddNoteForm = ({ caseId }: { caseId: number }) => {
  const translate = useTranslate();
  const notify = useNotify();
  const dataProvider = useDataProvider<RebindDataProvider>();
  const storeCaseDetail = useStoreCaseDetail();
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('internal');
  const { mutate, isPending, error } = useMutation<CaseDetail, unknown, void>({
    mutationFn: () => dataProvider.addCaseNote(caseId, { body: body.trim(), visibility }),
    onSuccess: (detail) => {
      storeCaseDetail(detail);
      setBody('');
      setVisibility('internal');
      notify('resources.cases.notifications.note', { type: 'success', messageArgs: { id: caseId } });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (body.trim()) mutate();
  };
  return (
    <Box component="form" onSubmit={submit} noValidate sx={{ mt: 2 }}>
      <TextField
        fullWidth
        multiline
        minRows={2}
        size="small"
        label={translate('resources.cases.notes.new')}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        slotProps={{ htmlInput: { maxLength: 4000 } }}
      />
      <Stack direction="row" sx={{ alignItems: 'center', justifyContent: 'space-between', flexWrap: 'wrap', mt: 0.5 }}>
        <FormControlLabel
          control={<Switch size="small" checked={visibility === 'user'} onChange={(event) => setVisibility(event.target.checked ? 'user' : 'internal')} />}
          label={translate('resources.cases.notes.visibility.user')}
        />
        <Button type="submit" variant="outlined" size="small" disabled={!body.trim() || isPending}>
          {translate('resources.cases.notes.add')}
        </Button>
      </Stack>
      {visibility === 'user' ? (
        <Typography variant="caption" color="warning.main">
          {translate('resources.cases.notes.user_visible_hint')}
        </Typography>
      ) : null}
      {error ? (
        <Alert severity="error" sx={{ mt: 1 }}>
          {translate(validationMessageOf(error), { _: validationMessageOf(error) })}
        </Alert>
      ) : null}
    </Box>
  );
};

/** Internal notes and messages to the user, oldest first; a form to add one when allowed. */
export const NotesPanel = ({ record }: { record: CaseDetail }) => {
  const translate = useTranslate();
  const formatDateTime = useFormatDateTime();
  const staffName = useStaffName();
  return (
    <Panel title={translate('resources.cases.notes.title')}>
      {record.notes.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {translate('resources.cases.notes.empty')}
        </Typography>
      ) : (
        <Stack component="ul" spacing={1.25} sx={{ m: 0, p: 0, listStyle: 'none' }}>
          {record.notes.map((note) => (
            <Box component="li" key={note.id}>
              <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap' }}>
                <Typography variant="body2" sx={{ fontWeight: 600 }}>
                  {note.authorType === 'staff'
                    ? staffName(note.staffId, note.staffName ?? translate('resources.audit-events.actor_types.staff'))
                    : translate(`resources.audit-events.actor_types.${note.authorType}`)}
                </Typography>
                <Chip
                  size="small"
                  variant="outlined"
                  color={note.visibility === 'user' ? 'warning' : 'default'}
                  label={translate(`resources.cases.notes.visibility.${note.visibility}`)}
                />
                <Typography variant="caption" color="text.secondary">
                  {formatDateTime(note.createdAt)}
                </Typography>
              </Stack>
              <Typography variant="body2" sx={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', mt: 0.25 }}>
                {note.body}
              </Typography>
            </Box>
          ))}
        </Stack>
      )}
      {record.availableActions.includes('note') ? <AddNoteForm caseId={record.id} /> : null}
    </Panel>
  );
};
