"""Safe parsing of the arithmetic expressions written in scenario files.

Scenario files come from strangers, so their expressions are never handed to
``eval``, ``exec``, ``compile`` or any sympy string parser.  A small tokenizer
and a recursive-descent parser accept a whitelisted grammar and build sympy
objects directly; everything else raises :class:`~evogame.errors.ExpressionError`.

Grammar
-------
::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("+" | "-")* power          # -x^2 is -(x^2)
    power      := atom (("^" | "**") unary)?   # right-associative; 2^-1 is allowed
    atom       := NUMBER | NAME | call | "(" expression ")"
    call       := FUNC "(" expression ("," expression)* ")"
                | "sum" "(" NEWNAME "," expression "," expression "," expression ")"
    FUNC       := exp | log | sqrt | abs | min | max | binomial   (1, 1, 1, 1, >=2, >=2, 2 args)
    NUMBER     := ([0-9]+ ("." [0-9]*)? | "." [0-9]+) ([eE] [+-]? [0-9]+)?
    NAME       := [A-Za-z_][A-Za-z0-9_]*     # a key of ``names`` (case-sensitive)

Numbers are exact (``0.3`` is ``Rational(3, 10)``).  ``sum(k, lo, hi, body)``
binds the new name ``k`` (an integer symbol) inside ``body`` only; it is
``Sum(body, (k, lo, hi))``, unevaluated, unless ``lo`` and ``hi`` are integers:
then it is written out term by term, which is the value of ``Sum(...).doit()``
(Karr's convention when ``hi < lo - 1``) as a plain sum, e.g. a polynomial.

Refused with an ``ExpressionError``, so that parsing takes bounded time and
memory whatever the input: text longer than 2000 characters; nesting
(parentheses, calls, signs, exponents) deeper than 100; numeric literals longer
than 50 characters or outside 1e-300..1e300; a power with numeric base and
exponent whose exponent exceeds 64 in magnitude, and any power whose numbers
would exceed 10**300; ``exp`` of a number beyond +-690; ``binomial`` of numbers
above 10**300 or with a non-integer k; functions nested more than 4 deep around
numbers alone; a function argument, fractional-power operand or divisor of more
than 2000 nodes; a sum of more than 1000 terms; more than 50000 units of work in
all (tokens read, an expanded sum body being read once per term, plus the size
of what sympy is asked to transform); more than 10 seconds as a last resort;
division by zero, log of a number <= 0 and a negative number to a non-integer
power (only real numbers are made).
"""
from __future__ import annotations

import math
import re
import time
from typing import Mapping, NamedTuple

import sympy

from ..errors import ExpressionError, did_you_mean
from . import expression_sizes as sizes
from .expression_sizes import MAX_SUM_TERMS

__all__ = ["parse_expression"]

MAX_LENGTH = 2000
MAX_DEPTH = 100
MAX_LITERAL = 50
MAX_EXP10 = 300            # numbers stay within 10**-300 .. 10**300
MAX_NUMERIC_EXPONENT = 64
MAX_EXP_ARGUMENT = 690     # exp(690) ~ 10**300
MAX_WORK = 50_000          # tokens read (each sum term re-reads its body) + sizes handled
MAX_NUMERIC_NESTING = 4    # functions of functions of ... of numbers (sympy slows down)
MAX_ARGUMENT_NODES = 2000  # size of an argument of a function or of a fractional power
MAX_SECONDS = 10.0         # backstop for what the limits above do not foresee

_ARITY = {"exp": (1, 1), "log": (1, 1), "sqrt": (1, 1), "abs": (1, 1),
          "min": (2, None), "max": (2, None), "binomial": (2, 2), "sum": (4, 4)}
_FUNCTIONS = ", ".join(_ARITY)
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)
_TOKEN = re.compile(r"""(?P<space>[ \t\r\n]+)
    |(?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
    |(?P<name>[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op>\*\*|//|[-+*/^(),])""", re.VERBOSE)
_CHARACTERS = "ASCII letters, digits, '_', '.', spaces and + - * / ^ ** ( ) ,"


class _Token(NamedTuple):
    kind: str    # "number", "name", "op" or "end"
    text: str
    pos: int     # 1-based column


def parse_expression(text: str, names: Mapping[str, sympy.Symbol | sympy.Expr], *,
                     file: str | None = None, key: str | None = None) -> sympy.Expr:
    """Parse a scenario expression into an exact sympy expression.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"V_U - c_S - r"`` (see the module docstring
        for the grammar and the limits).
    names : Mapping[str, sympy.Symbol | sympy.Expr]
        The only identifiers allowed, each mapped to the sympy object that
        replaces it.
    file, key : str, optional
        Where the expression comes from; copied into any error.

    Returns
    -------
    sympy.Expr
        An expression free of ``zoo``, ``nan`` and ``oo`` whose free symbols
        come from ``names``.

    Raises
    ------
    ExpressionError
        For anything outside the grammar or the limits; the message says what
        was found and what is allowed.
    """
    if not isinstance(text, str):
        raise ExpressionError(f"expected an expression string, found {type(text).__name__}",
                              file=file, key=key)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long ({len(text)} characters, at most "
                              f"{MAX_LENGTH})", file=file, key=key)
    parser = _Parser(text, names, file, key)
    try:
        return parser.parse()
    except (ArithmeticError, ValueError, TypeError, RecursionError) as exc:  # sympy refused
        detail = " ".join(str(exc).split())[:200]
        raise parser.error(f"cannot evaluate the expression ({type(exc).__name__}: "
                           f"{detail})") from None


class _Parser:
    """One parse of one text: tokens, position, scope, depth and work counters."""

    def __init__(self, text, names, file, key):
        self.names, self.file, self.key = names, file, key
        self.bound: dict[str, sympy.Expr] = {}    # sum variables in scope
        self.depth = self.work = self.i = 0
        self.scale = 1    # how many times the current sum body is being read
        self.deadline = time.monotonic() + MAX_SECONDS
        self.tokens = self._tokenize(text)

    def error(self, message, **extra):
        return ExpressionError(message, file=self.file, key=self.key, **extra)

    # -- tokens ---------------------------------------------------------
    def _tokenize(self, text):
        tokens, pos = [], 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if m is None:
                raise self.error(f"unexpected character {text[pos]!r} at position {pos + 1}",
                                 expected=_CHARACTERS)
            if m.group() == "//":
                raise self.error(f"operator '//' at position {pos + 1} is not allowed",
                                 expected="'/' for division")
            if m.lastgroup != "space":
                tokens.append(_Token(m.lastgroup, m.group(), pos + 1))
            pos = m.end()
        if not tokens:
            raise self.error("empty expression", expected="an arithmetic expression")
        tokens.append(_Token("end", "", len(text) + 1))
        return tokens

    def peek(self):
        return self.tokens[self.i]

    def take(self):
        token = self.tokens[self.i]
        self.i += 1
        self.charge(1)
        return token

    def charge(self, units):
        """Count work: tokens read, and the size of what sympy functions are given."""
        self.work += units
        if self.work > MAX_WORK:
            raise self.error(f"expression too large to evaluate (more than {MAX_WORK} units "
                             "of work: tokens read, each term of each sum, function arguments)")
        if time.monotonic() > self.deadline:
            raise self.error(f"expression too costly to evaluate (more than {MAX_SECONDS:g} "
                             "seconds)")

    def unexpected(self, token, expected, after_operand=True):
        if token.kind == "end":
            return self.error("unexpected end of expression", expected=expected)
        hint = ""
        if after_operand and (token.kind in ("name", "number") or token.text == "("):
            hint = " (implicit multiplication is not allowed; write '*')"
        elif token.text == ",":
            hint = " (commas only separate function arguments)"
        kind = "symbol" if token.kind == "op" else token.kind
        return self.error(f"unexpected {kind} '{token.text}' at position "
                          f"{token.pos}{hint}", expected=expected)

    def expect(self, text):
        token = self.take()
        if token.text != text:
            raise self.unexpected(token, f"'{text}'")

    def enter(self, levels=1):
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error(f"expression nested too deeply (more than {MAX_DEPTH} levels of "
                             "parentheses, calls, signs and exponents)")

    # -- grammar --------------------------------------------------------
    def parse(self):
        value = self.expression()
        if self.peek().kind != "end":
            raise self.unexpected(self.peek(), "an operator + - * / ^ or the end")
        if not isinstance(value, sympy.Expr) or value.has(*_UNDEFINED):
            raise self.error("the expression is undefined (infinite or not a number)")
        return value

    def expression(self):
        terms = [self.term()]
        while self.peek().text in ("+", "-"):
            sign = self.take().text
            term = self.term()
            terms.append(term if sign == "+" else self.negate(term))
        return sympy.Add(*terms) if len(terms) > 1 else terms[0]

    def term(self):
        factors = [self.unary()]
        while self.peek().text in ("*", "/"):
            op = self.take()
            factor = self.unary()
            if op.text == "/":
                self.check_arguments("a division", factor)
                if factor == 0 or factor.is_zero:
                    raise self.error(f"division by zero at position {op.pos}")
                factor = self.finite(sympy.Pow(factor, -1), "division")
            factors.append(factor)
        if len(factors) == 1:
            return factors[0]
        self.charge(sum(sizes.nodes(f, MAX_WORK) for f in factors if f.is_Add))  # distribution
        return sympy.Mul(*factors)

    def negate(self, value):
        if value.is_Add:
            self.charge(sizes.nodes(value, MAX_WORK))   # -(a + b) is rebuilt as -a - b
        return -value

    def unary(self):
        negative, signs = False, 0
        while self.peek().text in ("+", "-"):
            negative ^= self.take().text == "-"
            signs += 1
            self.enter()
        value = self.power()
        self.depth -= signs
        return self.negate(value) if negative else value

    def power(self):
        base = self.atom()
        if self.peek().text not in ("^", "**"):
            return base
        self.take()
        self.enter()
        exponent = self.unary()
        self.depth -= 1
        return self.pow(base, exponent)

    def atom(self):
        token = self.take()
        if token.kind == "number":
            return self.number(token)
        if token.kind == "name":
            return self.call(token) if self.peek().text == "(" else self.lookup(token)
        if token.text == "(":
            self.enter()
            value = self.expression()
            self.expect(")")
            self.depth -= 1
            return value
        raise self.unexpected(token, "a number, a name, a function call or '('", False)

    def number(self, token):
        text = token.text
        if len(text) > MAX_LITERAL:
            raise self.error(f"numeric literal at position {token.pos} is too long "
                             f"({len(text)} characters, at most {MAX_LITERAL})")
        mantissa, _, exponent = text.lower().partition("e")
        whole, _, fraction = mantissa.partition(".")
        digits = int(whole + fraction or "0")
        if digits == 0:
            return sympy.Integer(0)
        scale = int(exponent or "0") - len(fraction)
        if not -MAX_EXP10 <= len(str(digits)) - 1 + scale <= MAX_EXP10:
            raise self.error(f"number '{text}' at position {token.pos} is out of range",
                             expected=f"a magnitude between 1e-{MAX_EXP10} and 1e{MAX_EXP10}")
        if scale >= 0:
            return sympy.Integer(digits * 10 ** scale)
        return sympy.Rational(digits, 10 ** -scale)

    def lookup(self, token):
        name = token.text
        if name in _ARITY:
            raise self.error(f"function '{name}' at position {token.pos} must be called, "
                             f"as in {name}(...)")
        if name.startswith("__"):
            raise self.error(f"name '{name}' is not allowed (names starting with '__' are "
                             "reserved)")
        if name in self.bound:
            return self.bound[name]
        if name in self.names:
            return self.names[name]
        known = [*self.names, *self.bound]
        raise self.error(f"unknown name '{name}'",
                         expected="a declared name (" + ", ".join(sorted(known)[:12])
                         + (", ..." if len(known) > 12 else "") + ")" if known else None,
                         suggestion=did_you_mean(name, known))

    def call(self, token):
        name = token.text
        if name not in _ARITY:
            if name in self.names or name in self.bound:
                raise self.error(f"'{name}' is a name, not a function, and cannot be called",
                                 expected=f"a function ({_FUNCTIONS})")
            raise self.error(f"function '{name}' is not allowed (allowed: {_FUNCTIONS})")
        self.take()  # "("
        self.enter()
        if name == "sum":
            value = self.sum_call()
        else:
            args = [self.expression()]
            while self.peek().text == ",":
                self.take()
                args.append(self.expression())
            self.expect(")")
            low, high = _ARITY[name]
            if len(args) < low or (high is not None and len(args) > high):
                wanted = f"{low}" if low == high else f"at least {low}"
                raise self.error(f"function '{name}' takes {wanted} argument"
                                 f"{'s' if low > 1 else ''}, found {len(args)}")
            value = self.finite(self.apply(name, args), f"{name}(...)")
        self.depth -= 1
        return value

    def sum_call(self):
        token = self.take()
        name = token.text
        if token.kind != "name":
            raise self.unexpected(token, "a new name for the summation variable", False)
        if name in self.names or name in self.bound or name in _ARITY or name.startswith("__"):
            raise self.error(f"summation variable '{name}' at position {token.pos} is "
                             "already in use", expected="a new name")
        self.expect(",")
        low = self.expression()
        self.expect(",")
        high = self.expression()
        self.expect(",")
        for bound in (low, high):
            if bound.is_number and not bound.is_Integer:
                raise self.error(f"sum bounds must be integers, found {sizes.show(bound)}")
        start = self.i
        if not (low.is_Integer and high.is_Integer):
            variable = sympy.Symbol(name, integer=True)
            body = self.scoped(name, variable)
            self.expect(")")
            return sympy.Sum(body, (variable, low, high))
        # Integer bounds: Sum(...).doit() written out term by term (Karr's
        # convention for hi < lo, as sympy does), re-reading the body for each
        # value so that every limit is checked on every term.
        low, high = int(low), int(high)
        values, sign = (range(low, high + 1), 1) if high >= low - 1 else (range(high + 1, low), -1)
        if len(values) > MAX_SUM_TERMS:
            raise self.error(f"sum of {len(values)} terms is too long (at most "
                             f"{MAX_SUM_TERMS})")
        if not values:
            self.scoped(name, sympy.Symbol(name, integer=True))
            self.expect(")")
            return sympy.Integer(0)
        if self.work + self.scale * len(values) * self.body_length(start) > MAX_WORK:
            raise self.error(f"sum of {len(values)} terms is too large to expand (more than "
                             f"{MAX_WORK} tokens to read, counting each term of each sum)")
        terms, self.scale = [], self.scale * len(values)
        for value in values:
            self.i = start
            terms.append(self.scoped(name, sympy.Integer(value)))
        self.scale //= len(values)
        self.expect(")")
        return sign * sympy.Add(*terms)

    def body_length(self, start):
        """Number of tokens up to the ')' closing the call whose body starts at ``start``."""
        level = 0
        for j in range(start, len(self.tokens)):
            level += {"(": 1, ")": -1}.get(self.tokens[j].text, 0)
            if level < 0:
                return j - start + 1
        return len(self.tokens) - start

    def scoped(self, name, value):
        self.bound[name] = value
        try:
            return self.expression()
        finally:
            del self.bound[name]

    # -- guarded sympy constructors --------------------------------------
    def finite(self, value, what):
        if value in _UNDEFINED or any(arg in _UNDEFINED for arg in value.args):
            raise self.error(f"{what} is undefined (infinite or not a number)")
        return value

    def check_arguments(self, what, *args):
        for arg in args:
            size = sizes.nodes(arg, MAX_ARGUMENT_NODES)
            if size > MAX_ARGUMENT_NODES:
                raise self.error(f"argument of {what} too large (more than "
                                 f"{MAX_ARGUMENT_NODES} operations)")
            self.charge(size)
        if any(arg.is_number and sizes.nesting(arg) >= MAX_NUMERIC_NESTING for arg in args):
            raise self.error(f"numbers nested too deeply in functions (at most "
                             f"{MAX_NUMERIC_NESTING} levels when no name is involved)")

    def apply(self, name, args):
        a = args[0]
        if name == "sqrt":
            return self.pow(a, sympy.Rational(1, 2))
        self.check_arguments(f"{name}(...)", *args)
        if name == "exp":
            if a.is_number and abs(sizes.value(a)) > MAX_EXP_ARGUMENT:
                raise self.error(f"exp argument too large (|{sizes.show(a)}| > {MAX_EXP_ARGUMENT})")
            return sympy.exp(a)
        if name == "log" and a.is_number and sizes.value(a) <= 0:
            raise self.error(f"log({sizes.show(a)}) is undefined: the logarithm needs a positive "
                             "number")
        if name == "binomial":
            self.check_binomial(*args)
        return {"log": sympy.log, "abs": sympy.Abs, "min": sympy.Min, "max": sympy.Max,
                "binomial": sympy.binomial}[name](*args)

    def check_binomial(self, n, k):
        if not (n.is_number and k.is_number):
            return
        if not (n.is_Rational and k.is_Integer):
            raise self.error(f"binomial({sizes.show(n)}, {sizes.show(k)}) is not allowed: with numbers, "
                             "n must be rational and k an integer")
        k, digits = int(k), 0.0
        if k > 0 and n.is_Integer:   # binomial(-a, k) = (-1)^k binomial(a + k - 1, k)
            top = int(n) if n >= 0 else k - int(n) - 1
            digits = sizes.log10_binomial(top, min(k, top - k))
            if n < 0 and k > MAX_SUM_TERMS:     # sympy multiplies k factors
                digits = math.inf
        elif k > 0:
            p, q = abs(int(n.p)), int(n.q)
            digits = math.inf if k > MAX_SUM_TERMS else k * math.log10((p + k * q) * q)
        if digits > MAX_EXP10:
            raise self.error(f"binomial({sizes.show(n)}, {k}) is too large (more than "
                             f"10^{MAX_EXP10})")

    def pow(self, base, exponent):
        if not exponent.is_Integer:
            self.check_arguments("a power", base, exponent)
        if exponent.is_number:
            size = abs(sizes.to_float(exponent))
            if base.is_number:
                if not exponent.is_Integer and sizes.value(base) < 0:
                    raise self.error(f"({sizes.show(base)})^({sizes.show(exponent)}) is not a real "
                                     "number: a negative number cannot be raised to a "
                                     "non-integer power")
                if size > MAX_NUMERIC_EXPONENT:
                    raise self.error(f"exponent too large ({sizes.show(exponent)}; at most "
                                     f"{MAX_NUMERIC_EXPONENT} for a numeric base)")
                digits = max(sizes.size(base), abs(sizes.log10_abs(base))) if base != 0 else 0.0
            else:
                digits = sizes.size(base)
            if digits and digits * size > MAX_EXP10:
                raise self.error(f"exponent too large: the result would exceed "
                                 f"10^{MAX_EXP10}")
        if base == 0 and exponent.is_extended_negative:
            raise self.error("division by zero: 0 raised to a negative power")
        return self.finite(sympy.Pow(base, exponent), f"({sizes.show(base)})^({sizes.show(exponent)})")
