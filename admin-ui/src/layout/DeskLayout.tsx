import { useMediaQuery, type Theme } from '@mui/material';
import { useEffect, type ReactNode } from 'react';
import { Layout, useSidebarState } from 'react-admin';
import { IdleSignOut } from './IdleSignOut';

/** On a tablet the menu starts as icons only, leaving the width to the queue. */
const NarrowSidebarOnTablet = () => {
  const [, setOpen] = useSidebarState();
  const isTablet = useMediaQuery<Theme>((theme) => theme.breakpoints.between('sm', 'lg'), { noSsr: true });
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at start; the user's own toggles win afterwards
  useEffect(() => {
    if (isTablet) setOpen(false);
    // once, at start: the user's own toggles win afterwards
  }, []);
  return null;
};

export const DeskLayout = ({ children }: { children: ReactNode }) => (
  <Layout>
    <NarrowSidebarOnTablet />
    <IdleSignOut />
    {children}
  </Layout>
);
