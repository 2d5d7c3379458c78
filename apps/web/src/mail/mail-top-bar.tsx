import { useEffect, useState, type RefObject } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { AppBar, Box, IconButton, InputAdornment, TextField, Toolbar, Tooltip, Typography } from '@mui/material';
import CloseIcon from '@mui/icons-material/Close';
import CreateIcon from '@mui/icons-material/Create';
import DarkModeIcon from '@mui/icons-material/DarkMode';
import LightModeIcon from '@mui/icons-material/LightMode';
import LogoutIcon from '@mui/icons-material/Logout';
import MenuIcon from '@mui/icons-material/Menu';
import SearchIcon from '@mui/icons-material/Search';
import SettingsIcon from '@mui/icons-material/Settings';
import { useAccount, useSession } from '../shared/session';
import { useColorMode } from '../shared/theme';

/** The search box: what is typed stays here until submitted into the URL's ?q=. */
function SearchField({ narrow, inputRef }: { narrow: boolean; inputRef: RefObject<HTMLInputElement | null> }) {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [input, setInput] = useState(q);
  useEffect(() => setInput(q), [q]);
  const clear = () => {
    setInput('');
    setParams({});
  };
  return (
    <Box
      component="form"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        const value = input.trim();
        setParams(value ? { q: value } : {});
      }}
      sx={{ flex: 1, maxWidth: 640, minWidth: 0 }}
    >
      <TextField
        inputRef={inputRef}
        size="small"
        fullWidth
        placeholder={narrow ? 'Search' : 'Search (from: to: subject: has:attachment before: after:)'}
        value={input}
        onChange={(e) => setInput(e.target.value)}
        slotProps={{
          htmlInput: { 'aria-label': 'Search mail' },
          input: {
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon />
              </InputAdornment>
            ),
            endAdornment: q ? (
              <InputAdornment position="end">
                <IconButton size="small" aria-label="Clear search" onClick={clear}>
                  <CloseIcon fontSize="small" />
                </IconButton>
              </InputAdornment>
            ) : undefined,
          },
        }}
      />
    </Box>
  );
}

export interface MailTopBarProps {
  narrow: boolean;
  /** The search box, for the "/" shortcut. */
  searchRef: RefObject<HTMLInputElement | null>;
  onOpenFolders(): void;
  onCompose(): void;
  /** Before signing out (a delete waiting for "Undo" is sent first). */
  onSignOut(): void;
}

/** Title, search, compose (narrow screens), theme, settings and sign-out. */
export function MailTopBar({ narrow, searchRef, onOpenFolders, onCompose, onSignOut }: MailTopBarProps) {
  const account = useAccount();
  const { logout } = useSession();
  const { mode, toggle } = useColorMode();
  const navigate = useNavigate();
  return (
    <AppBar position="static" color="default" elevation={0} sx={{ borderBottom: 1, borderColor: 'divider' }}>
      <Toolbar variant="dense" sx={{ gap: 1 }}>
        {narrow && (
          <IconButton edge="start" aria-label="Folders" onClick={onOpenFolders}>
            <MenuIcon />
          </IconButton>
        )}
        {!narrow && (
          <Typography variant="h6" component="h1" sx={{ width: 220, fontWeight: 700 }}>
            Mailstead
          </Typography>
        )}
        <SearchField narrow={narrow} inputRef={searchRef} />
        {!narrow && <Box sx={{ flex: 1 }} />}
        {narrow && (
          <IconButton aria-label="Compose" onClick={onCompose}>
            <CreateIcon />
          </IconButton>
        )}
        <Tooltip title={mode === 'dark' ? 'Light theme' : 'Dark theme'}>
          <IconButton aria-label={mode === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'} onClick={toggle}>
            {mode === 'dark' ? <LightModeIcon /> : <DarkModeIcon />}
          </IconButton>
        </Tooltip>
        <Tooltip title="Settings">
          <IconButton aria-label="Settings" onClick={() => void navigate('/mail/settings')}>
            <SettingsIcon />
          </IconButton>
        </Tooltip>
        <Tooltip title={`Sign out ${account.account.address}`}>
          <IconButton
            aria-label="Sign out"
            onClick={() => {
              onSignOut();
              void logout().then(() => navigate('/mail/login'));
            }}
          >
            <LogoutIcon />
          </IconButton>
        </Tooltip>
      </Toolbar>
    </AppBar>
  );
}
