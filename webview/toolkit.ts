// Registers the @vscode/webview-ui-toolkit components the panel uses (bundled into dist/webview.js).
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

export function registerToolkit(): void {
  provideVSCodeDesignSystem().register(
    vsCodeBadge(),
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDivider(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}

/** The value of a toolkit dropdown or checkbox. */
export function controlValue(el: Element): string {
  return String((el as unknown as { value?: string }).value ?? '');
}
export function isChecked(el: Element): boolean {
  return !!(el as unknown as { checked?: boolean }).checked;
}
