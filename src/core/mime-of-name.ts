/**
 * A file name's MIME type, as `mime.getType` answers it, remembered per extension: the catalog
 * asks for every file of a torrent (50,000 in some), and getType matches the whole path with a
 * regular expression each time. The rules below are getType's own (mime 4): the extension is what
 * follows the last dot of the last segment; a dot-less (or dot-first) last segment after a folder
 * has no type, and a bare name is its own extension ("mp4").
 */
import mime from 'mime';

/** Extensions come from strangers' file names: past this many, they are looked up, not kept. */
const MAX_REMEMBERED = 1_000;
const remembered = new Map<string, string | null>();

export function mimeTypeOfName(name: string): string | null {
  const cut = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  const last = cut < 0 ? name : name.slice(cut + 1);
  const dot = last.lastIndexOf('.');
  if (dot <= 0 && cut >= 0) return null;
  const ext = (dot < 0 ? last : last.slice(dot + 1)).toLowerCase();
  const known = remembered.get(ext);
  if (known !== undefined) return known;
  // getType of `x.<ext>` is the extension's type (a bare name is its own extension, read the same way).
  const type = mime.getType(`x.${ext}`);
  if (remembered.size < MAX_REMEMBERED) remembered.set(ext, type);
  return type;
}
