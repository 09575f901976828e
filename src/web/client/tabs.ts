/** The bottom section tabs: buttons within thumb reach that show one panel at a time. */

export function setupTabs(onChange: (panelId: string) => void): (panelId: string) => void {
  const buttons = [...document.querySelectorAll<HTMLButtonElement>('.tabs button[data-panel]')];
  const show = (panelId: string) => {
    for (const button of buttons) {
      const panel = document.getElementById(button.dataset['panel'] ?? '');
      const active = button.dataset['panel'] === panelId;
      if (active) button.setAttribute('aria-current', 'page');
      else button.removeAttribute('aria-current');
      if (panel) panel.hidden = !active;
    }
    onChange(panelId);
  };
  for (const button of buttons) {
    button.addEventListener('click', () => {
      show(button.dataset['panel'] ?? '');
      document.getElementById('main')?.focus({ preventScroll: true });
      window.scrollTo({ top: 0 });
    });
  }
  return show;
}
