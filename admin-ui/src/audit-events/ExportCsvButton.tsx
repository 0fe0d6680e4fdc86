import DownloadIcon from '@mui/icons-material/Download';
import { Button, useListContext } from 'react-admin';
import { getAuditEventsCsvUrl } from './audit-events-csv';

/**
 * A plain link: the browser downloads the CSV with the session cookie (a GET
 * needs no CSRF token) and streams it to disk, however long the log.
 */
export const ExportCsvButton = () => {
  const { filterValues, sort } = useListContext();
  return (
    <Button component="a" href={getAuditEventsCsvUrl(filterValues, sort)} download label="resources.audit-events.actions.export_csv">
      <DownloadIcon />
    </Button>
  );
};
