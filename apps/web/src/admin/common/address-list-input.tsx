import { TextField as MuiTextField } from '@mui/material';
import { useState } from 'react';
import { InputHelperText, useInput, type Validator } from 'react-admin';
import { splitAddresses } from './addresses';

/**
 * A text area of addresses (one per line, or pasted separated by commas) bound to an array
 * field. The typed text is kept as typed; the form value is the parsed list.
 */
export function AddressListInput({ source, label, validate, helperText }: { source: string; label: string; validate?: Validator | Validator[]; helperText?: string }) {
  const { field, fieldState, isRequired } = useInput<string[]>({ source, validate });
  const [text, setText] = useState(() => (Array.isArray(field.value) ? field.value.join('\n') : ''));
  const error = fieldState.invalid ? fieldState.error?.message : undefined;
  return (
    <MuiTextField
      label={label}
      required={isRequired}
      multiline
      minRows={3}
      fullWidth
      value={text}
      name={field.name}
      onBlur={field.onBlur}
      onChange={(e) => {
        setText(e.target.value);
        field.onChange(splitAddresses(e.target.value));
      }}
      error={Boolean(error)}
      helperText={error ? <InputHelperText error={error} /> : helperText}
      sx={{ mb: 2 }}
    />
  );
}
