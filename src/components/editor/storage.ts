/** Keeps what a learner typed, per page and file, so a reload loses nothing. */
const prefix = 'statecraft:v1:editor:';

function key(file: string): string {
  return `${prefix}${location.pathname}:${file}`;
}

export function loadDraft(file: string): string | null {
  try {
    return localStorage.getItem(key(file));
  } catch {
    return null; // storage disabled (private mode, sandboxed iframe)
  }
}

export function saveDraft(file: string, text: string, initial: string): void {
  try {
    if (text === initial) localStorage.removeItem(key(file));
    else localStorage.setItem(key(file), text);
  } catch {
    // Quota exceeded or storage disabled: the editor still works, it just won't persist.
  }
}
