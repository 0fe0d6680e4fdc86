import { Box, Dialog, DialogContent, DialogTitle, Table, TableBody, TableCell, TableRow, type SxProps } from '@mui/material';
import KeyboardIcon from '@mui/icons-material/KeyboardOutlined';
import { visuallyHidden } from '@mui/utils';
import { useEffect, useState } from 'react';
import { Button, useListContext, usePermissions, useRedirect, useTranslate } from 'react-admin';
import type { StaffRole } from '../roles';
import type { CaseSummary } from './case-types';
import { canClaimFromQueue } from './queue-rules';
import { useCaseCommand } from './useCaseCommand';

/** The queue's shortcuts, in the order the help dialog lists them. */
export const QUEUE_SHORTCUTS = [
  { keys: ['j'], action: 'next' },
  { keys: ['k'], action: 'previous' },
  { keys: ['Enter'], action: 'open' },
  { keys: ['c'], action: 'claim' },
  { keys: ['?'], action: 'help' },
] as const;

/** Typing in a field (a filter, a note) never moves the queue. */
const isTyping = (target: EventTarget | null): boolean => {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(type);
  }
  return target.getAttribute('role') === 'combobox' || target.getAttribute('role') === 'textbox';
};

/**
 * j / k move a selection through the queue's page, Enter opens the selected
 * case, c claims it (and opens it, as the Claim button does), ? lists the
 * shortcuts. Returns the row style that marks the selection and the help
 * dialog to render.
 */
export const useQueueKeyboard = () => {
  const translate = useTranslate();
  const { data } = useListContext<CaseSummary>();
  const { permissions: role } = usePermissions<StaffRole>();
  const redirect = useRedirect();
  const [selected, setSelected] = useState<number | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const rows = data ?? [];
  const current = selected != null ? rows[Math.min(selected, rows.length - 1)] : undefined;
  const { mutate: claim } = useCaseCommand(current, {
    onDone: (detail) => {
      if (detail) redirect('show', 'cases', detail.id);
    },
  });

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (isTyping(event.target)) return;
      // A dialog (this help, a confirmation) owns the keyboard while open.
      if (document.querySelector('[role=dialog]')) return;
      const last = rows.length - 1;
      switch (event.key) {
        case 'j':
          if (last < 0) return;
          setSelected((index) => (index == null ? 0 : Math.min(index + 1, last)));
          break;
        case 'k':
          if (last < 0) return;
          setSelected((index) => (index == null ? 0 : Math.max(index - 1, 0)));
          break;
        case 'Enter':
          // Enter on a focused link or button keeps its own meaning.
          if (!current || (event.target instanceof HTMLElement && event.target.closest('a, button'))) return;
          redirect('show', 'cases', current.id);
          break;
        case 'c':
          if (!current || !canClaimFromQueue(current, role)) return;
          claim({ action: 'claim', body: {} });
          break;
        case '?':
          setHelpOpen(true);
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    document.addEventListener('keydown', onKeyDown);
    return () => document.removeEventListener('keydown', onKeyDown);
  }, [rows, current, role, claim, redirect]);

  // Keep the selected row in view as j/k move past the window's edge.
  const selectedIndex = current ? rows.indexOf(current) : -1;
  useEffect(() => {
    if (selectedIndex < 0) return;
    document.querySelectorAll('#main-content tbody tr')[selectedIndex]?.scrollIntoView?.({ block: 'nearest' });
  }, [selectedIndex]);

  const rowSx = (record: CaseSummary): SxProps =>
    current && record.id === current.id ? { outline: '2px solid', outlineColor: 'primary.main', outlineOffset: '-2px' } : {};

  return {
    selectedId: current?.id,
    rowSx,
    help: (
      <>
        <Button label="resources.cases.shortcuts.button" size="small" onClick={() => setHelpOpen(true)} sx={{ alignSelf: 'flex-end', mr: 1 }}>
          <KeyboardIcon />
        </Button>
        <QueueShortcutsDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
        {/* The outline is not seen by a screen reader: say which case is selected. */}
        <Box sx={visuallyHidden} role="status" aria-live="polite">
          {current ? translate('resources.cases.shortcuts.selected', { id: current.id }) : ''}
        </Box>
      </>
    ),
  };
};

const QueueShortcutsDialog = ({ open, onClose }: { open: boolean; onClose: () => void }) => {
  const translate = useTranslate();
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="queue-shortcuts-title">
      <DialogTitle id="queue-shortcuts-title">{translate('resources.cases.shortcuts.title')}</DialogTitle>
      <DialogContent>
        <Table size="small">
          <TableBody>
            {QUEUE_SHORTCUTS.map((shortcut) => (
              <TableRow key={shortcut.action}>
                <TableCell>
                  {shortcut.keys.map((key) => (
                    <kbd key={key}>{key}</kbd>
                  ))}
                </TableCell>
                <TableCell>{translate(`resources.cases.shortcuts.${shortcut.action}`)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <Button label="ra.action.close" onClick={onClose} sx={{ mt: 2 }} />
      </DialogContent>
    </Dialog>
  );
};
