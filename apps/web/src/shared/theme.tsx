import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { createTheme, CssBaseline, ThemeProvider, useMediaQuery } from '@mui/material';

export type ColorMode = 'light' | 'dark';
const STORAGE_KEY = 'mailstead.colorMode';

interface ColorModeValue {
  mode: ColorMode;
  setMode(mode: ColorMode): void;
  toggle(): void;
}

const ColorModeContext = createContext<ColorModeValue>({ mode: 'light', setMode: () => undefined, toggle: () => undefined });

export function mailsteadTheme(mode: ColorMode) {
  return createTheme({
    palette: {
      mode,
      primary: { main: mode === 'light' ? '#1f5fa8' : '#7db3f0' },
      secondary: { main: mode === 'light' ? '#b5480f' : '#f0a070' },
      background: mode === 'light' ? { default: '#f4f6f9', paper: '#ffffff' } : { default: '#111418', paper: '#1a1e24' },
    },
    shape: { borderRadius: 8 },
    typography: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif', fontSize: 14 },
    components: { MuiButton: { defaultProps: { disableElevation: true } } },
  });
}

function storedMode(): ColorMode | undefined {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Light/dark theme: the user's choice (remembered), else the system's preference. */
export function MailsteadThemeProvider({ children }: { children: ReactNode }) {
  const prefersDark = useMediaQuery('(prefers-color-scheme: dark)', { noSsr: true });
  const [chosen, setChosen] = useState<ColorMode | undefined>(storedMode);
  const mode: ColorMode = chosen ?? (prefersDark ? 'dark' : 'light');
  const setMode = useCallback((m: ColorMode) => {
    setChosen(m);
    try {
      localStorage.setItem(STORAGE_KEY, m);
    } catch {
      // private mode: the choice lasts for this page
    }
  }, []);
  const value = useMemo(() => ({ mode, setMode, toggle: () => setMode(mode === 'light' ? 'dark' : 'light') }), [mode, setMode]);
  const theme = useMemo(() => mailsteadTheme(mode), [mode]);
  return (
    <ColorModeContext.Provider value={value}>
      <ThemeProvider theme={theme}>
        <CssBaseline />
        {children}
      </ThemeProvider>
    </ColorModeContext.Provider>
  );
}

export const useColorMode = () => useContext(ColorModeContext);
