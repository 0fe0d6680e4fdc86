// Stands in for `jsonexport` in the desk's build. react-admin bundles it for
// its client-side CSV exporter, which the desk never uses (every list sets
// exporter={false}; the audit trail's CSV comes from the server): 2.7 KB gzip.
export default function jsonexport(): never {
  throw new Error('Client-side CSV export is not part of the desk.');
}
