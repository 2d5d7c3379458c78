import type { Position } from './lexer';

export interface StringArgument extends Position {
  kind: 'string';
  value: string;
  multiline: boolean;
}

export interface StringListArgument extends Position {
  kind: 'stringlist';
  values: StringArgument[];
}

export interface NumberArgument extends Position {
  kind: 'number';
  value: number;
}

export interface TagArgument extends Position {
  kind: 'tag';
  /** lowercased, without the ':' */
  name: string;
}

export type Argument = StringArgument | StringListArgument | NumberArgument | TagArgument;

export interface TestNode extends Position {
  /** lowercased identifier */
  name: string;
  args: Argument[];
  tests: TestNode[];
  /** whether a "( ... )" test list was written (allof/anyof) */
  testList: boolean;
}

export interface CommandNode extends Position {
  name: string;
  args: Argument[];
  tests: TestNode[];
  testList: boolean;
  /** null when the command ended with ';' */
  block: CommandNode[] | null;
}
