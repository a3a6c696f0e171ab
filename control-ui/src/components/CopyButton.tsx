import { useEffect, useState } from 'preact/hooks';

interface CopyButtonProps {
  text: string;
  label?: string;
  /** Selected instead when the clipboard is not available (plain http on a LAN address). */
  fallbackTarget?: () => HTMLElement | null;
}

export function CopyButton({ text, label = 'Copy', fallbackTarget }: CopyButtonProps) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'manual'>('idle');
  useEffect(() => {
    if (status === 'idle') return undefined;
    const timer = setTimeout(() => setStatus('idle'), 2_500);
    return () => clearTimeout(timer);
  }, [status]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      const target = fallbackTarget?.();
      if (target) {
        const range = document.createRange();
        range.selectNodeContents(target);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
      }
      setStatus('manual');
    }
  };

  return (
    <button type="button" class="button button--small" onClick={() => void copy()} aria-live="polite">
      {status === 'copied' ? 'Copied' : status === 'manual' ? 'Press Ctrl+C' : label}
    </button>
  );
}
