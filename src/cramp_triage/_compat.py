"""What differs between the Python versions we support, in one place."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")

if sys.version_info >= (3, 12):
    from functools import cached_property
else:

    class cached_property(Generic[T]):  # noqa: N801 - the name of what it stands in for
        """``functools.cached_property`` as Python 3.12 has it: without the lock 3.11's holds.

        3.11's lock is one per property for every instance of the class, held while the value is
        computed: a process forked while another thread computes one (a ``Triager`` being made)
        gave the child that lock held for ever, and the child hung on its first ``Triager``. Two
        threads may now both compute a value; each value is the same, and one is kept."""

        def __init__(self, func: Callable[[Any], T]) -> None:
            self.func = func
            self.attrname: str | None = None
            self.__doc__ = func.__doc__

        def __set_name__(self, owner: type, name: str) -> None:
            self.attrname = name

        @overload
        def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...
        @overload
        def __get__(self, instance: object, owner: type | None = None) -> T: ...

        def __get__(self, instance: object | None, owner: type | None = None) -> Any:
            if instance is None:
                return self
            assert self.attrname is not None
            cache = instance.__dict__
            try:
                return cache[self.attrname]
            except KeyError:
                value = cache[self.attrname] = self.func(instance)
                return value


__all__ = ["cached_property"]
