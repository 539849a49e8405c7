/**
 * Files dropped on the window. In Tauri the webview gets no file paths from HTML drag and drop;
 * the shell reports drags itself (`onDragDropEvent`), with the paths of the files dropped. This
 * wraps that for a screen that accepts dropped files. Listening needs the `core:event`
 * permissions (`allow-listen`, `allow-unlisten`) in the window's capability.
 */
import { getCurrentWebview } from '@tauri-apps/api/webview';

export type FileDrag = { type: 'enter' | 'over' | 'leave' } | { type: 'drop'; paths: string[] };

/**
 * Calls `handler` for each drag over the window and each drop; resolves to the function that
 * stops listening. Where the shell cannot report drags (a browser, tests) it never calls
 * `handler`: choosing a file still works.
 */
export async function listenForFileDrops(handler: (drag: FileDrag) => void): Promise<() => void> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === 'drop') handler({ type: 'drop', paths: payload.paths });
      else handler({ type: payload.type });
    });
  } catch {
    return () => undefined;
  }
}
