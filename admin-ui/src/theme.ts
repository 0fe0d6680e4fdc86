// react-admin's default light and dark themes with the system font stack: the
// CSP allows no external fonts, and the defaults name Roboto, which most
// machines do not have.
import type { TypographyVariantsOptions } from '@mui/material/styles';
import { defaultDarkTheme, defaultLightTheme, type RaThemeOptions } from 'react-admin';

const SYSTEM_FONT_STACK = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"Noto Sans"',
  '"PingFang SC"',
  '"Hiragino Sans GB"',
  '"Microsoft YaHei"',
  'sans-serif',
].join(', ');

const withSystemFonts = (theme: RaThemeOptions): RaThemeOptions => ({
  ...theme,
  typography: {
    ...(theme.typography as TypographyVariantsOptions | undefined),
    fontFamily: SYSTEM_FONT_STACK,
  },
});

export const lightTheme = withSystemFonts(defaultLightTheme);
export const darkTheme = withSystemFonts(defaultDarkTheme);
