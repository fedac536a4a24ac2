/**
 * Hands text to the user as a file (exports): a Blob link clicked once. Works in Electron
 * (its download handler) and in browser mode alike, without any file-system access.
 */
export function saveTextFile(fileName: string, mediaType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mediaType }));
  downloadFrom(url, fileName);
  // Revoke after the click has been handled, or some browsers cancel the download.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Downloads what `url` answers as the file `fileName` (a link clicked once; browser mode's streamed exports). */
export function downloadFrom(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
}
