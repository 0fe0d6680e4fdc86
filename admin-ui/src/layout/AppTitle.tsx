import { useTranslate } from 'react-admin';

/** The default page title, translated (Admin's title prop is not). */
export const AppTitle = () => {
  const translate = useTranslate();
  return <>{translate('rebind.app.title')}</>;
};
