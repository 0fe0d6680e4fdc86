import { useState, type ReactElement, type ReactNode } from 'react';
import { Button, type ButtonProps } from 'react-admin';
import { CommandDialog } from './CommandDialog';

/**
 * The state of a command dialog: open or not, and its text inputs. Closing
 * puts the inputs back as they started, so the next opening starts clean.
 */
export const useCommandDialogForm = <V extends Record<string, string>>(initialValues: V) => {
  const [initial] = useState(initialValues);
  const [open, setOpen] = useState(false);
  const [values, setValues] = useState<V>(initial);
  const close = () => {
    setOpen(false);
    setValues(initial);
  };
  const setValue = (key: keyof V, value: string) => setValues((current) => ({ ...current, [key]: value }));
  return { open, openDialog: () => setOpen(true), close, values, setValue };
};

export type CommandDialogForm = Pick<ReturnType<typeof useCommandDialogForm>, 'open' | 'openDialog' | 'close'>;

/** What the dialog needs of the mutation that carries the command out (a react-query result). */
export interface CommandDialogMutation {
  isPending: boolean;
  error: unknown;
  reset: () => void;
}

/**
 * A button that opens a `CommandDialog`: opening clears the previous answer
 * (so an old 400 is not shown again), closing resets the form. The caller
 * brings what differs: the button's label and icon, the dialog's text and
 * inputs, when it may be sent and what sending does.
 */
export const CommandDialogButton = ({
  label,
  icon,
  variant,
  color,
  form,
  mutation,
  title,
  confirmLabel,
  confirmColor,
  canSubmit,
  onSubmit,
  children,
}: {
  label: string;
  icon: ReactElement;
  variant?: ButtonProps['variant'];
  color?: ButtonProps['color'];
  form: CommandDialogForm;
  mutation: CommandDialogMutation;
  title: string;
  confirmLabel: string;
  confirmColor?: Parameters<typeof CommandDialog>[0]['confirmColor'];
  canSubmit?: boolean;
  onSubmit: () => void;
  children: ReactNode;
}) => (
  <>
    <Button
      label={label}
      variant={variant}
      color={color}
      onClick={() => {
        mutation.reset();
        form.openDialog();
      }}
    >
      {icon}
    </Button>
    <CommandDialog
      open={form.open}
      onClose={form.close}
      title={title}
      confirmLabel={confirmLabel}
      confirmColor={confirmColor}
      canSubmit={canSubmit}
      isPending={mutation.isPending}
      error={mutation.error}
      onSubmit={onSubmit}
    >
      {children}
    </CommandDialog>
  </>
);
