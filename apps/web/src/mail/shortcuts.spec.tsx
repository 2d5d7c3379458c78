import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render } from '@testing-library/react';
import { useShortcuts } from './shortcuts';

afterEach(cleanup);

function Harness({ map, enabled = true }: { map: Record<string, () => void>; enabled?: boolean }) {
  useShortcuts(map, enabled);
  return (
    <div>
      <input aria-label="field" />
      <button>button</button>
    </div>
  );
}

describe('useShortcuts', () => {
  it('runs single-key shortcuts, but not while typing, with modifiers, or when disabled', () => {
    const j = vi.fn();
    const enter = vi.fn();
    const { getByLabelText, getByText, rerender } = render(<Harness map={{ j, Enter: enter }} />);
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(j).toHaveBeenCalledTimes(1);
    fireEvent.keyDown(getByLabelText('field'), { key: 'j' });
    fireEvent.keyDown(document.body, { key: 'j', ctrlKey: true });
    fireEvent.keyDown(getByText('button'), { key: 'Enter' });
    expect(j).toHaveBeenCalledTimes(1);
    expect(enter).not.toHaveBeenCalled();
    rerender(<Harness map={{ j, Enter: enter }} enabled={false} />);
    fireEvent.keyDown(document.body, { key: 'j' });
    expect(j).toHaveBeenCalledTimes(1);
  });
});
