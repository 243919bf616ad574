"""Lists and dicts that refuse to change: a cached ``TriageResult`` is handed to every caller
who asks the same thing, so none of them may change what the next one gets.

They are a ``list`` and a ``dict`` (equal to plain ones, serialised the same way, typed as the
model says); every method that would change one raises ``TypeError``. A deep copy
(``model_copy(deep=True)``, ``copy.deepcopy``) and ``model_dump()`` give plain, changeable ones.
"""

from __future__ import annotations

import copy
from typing import Any, NoReturn

_WHY = "a cached TriageResult is shared and cannot be changed; use model_dump() or model_copy(deep=True) for a copy"


def _refuse(self: Any, *args: Any, **kwargs: Any) -> NoReturn:
    raise TypeError(_WHY)


class FrozenList(list):  # type: ignore[type-arg]
    __slots__ = ()
    append = extend = insert = pop = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenList, (list(self),)

    def __copy__(self) -> FrozenList:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> list[Any]:
        return [copy.deepcopy(item, memo) for item in self]


class FrozenDict(dict):  # type: ignore[type-arg]
    __slots__ = ()
    clear = pop = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:
        return FrozenDict, (dict(self),)

    def __copy__(self) -> FrozenDict:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[Any, Any]:
        return {key: copy.deepcopy(value, memo) for key, value in self.items()}


_SCALARS = frozenset({str, int, float, bool, type(None)})


def freeze(value: Any) -> Any:
    """``value`` with every list and dict inside it (through pydantic models, changed in place)
    made frozen. Models are frozen already; their lists and dicts were not."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is list:
        return FrozenList([item if type(item) in _SCALARS else freeze(item) for item in value])
    if kind is dict:
        return FrozenDict({key: item if type(item) in _SCALARS else freeze(item) for key, item in value.items()})
    if isinstance(value, (str, int, float)):  # enum members
        return value
    if hasattr(kind, "__pydantic_fields__"):
        state = value.__dict__
        for name, item in state.items():
            if type(item) not in _SCALARS:
                state[name] = freeze(item)
    return value
