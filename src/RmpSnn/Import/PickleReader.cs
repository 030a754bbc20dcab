using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace RmpSnn.Import;

/// <summary>A Python dict (or OrderedDict) read from a pickle; keeps insertion order.</summary>
internal sealed class PickleDict : OrderedDictionary<object, object?>;

/// <summary>A Python callable resolved from a whitelisted global; called by REDUCE and NEWOBJ.</summary>
internal sealed record PickleCallable(string Name, Func<object?[], object?> Invoke);

/// <summary>
/// A minimal, safe pickle virtual machine (protocols 2–4) for the opcodes that <c>torch.save</c> emits.
/// Globals are resolved only through <paramref name="resolveGlobal"/>, which rejects anything not whitelisted;
/// persistent ids go to <paramref name="persistentLoad"/>. Python values map to: None → null, bool, long or
/// <see cref="BigInteger"/>, double, string, byte[], tuple → object?[], list → List&lt;object?&gt;, dict → <see cref="PickleDict"/>.
/// Malformed input raises <see cref="InvalidDataException"/>; a truncated stream raises <see cref="EndOfStreamException"/>.
/// </summary>
internal sealed class PickleReader(Stream stream, Func<string, string, object> resolveGlobal, Func<object?, object?> persistentLoad)
{
    private readonly List<object?> _stack = [];
    private readonly Stack<int> _marks = new();
    private readonly Dictionary<long, object?> _memo = [];

    /// <summary>Runs the VM until STOP and returns the pickled object.</summary>
    public object? Load()
    {
        _stack.Clear();
        _marks.Clear();
        _memo.Clear();
        while (true)
        {
            byte op = ReadByte();
            switch (op)
            {
                case 0x80: ReadByte(); break;                                   // PROTO
                case 0x95: ReadExact(8); break;                                 // FRAME (length only)
                case (byte)'.': return Pop();                                   // STOP
                case (byte)'c': Push(resolveGlobal(ReadLine(), ReadLine())); break; // GLOBAL
                case 0x93:                                                      // STACK_GLOBAL
                {
                    string name = PopAs<string>("STACK_GLOBAL name"), module = PopAs<string>("STACK_GLOBAL module");
                    Push(resolveGlobal(module, name));
                    break;
                }
                case (byte)'q': _memo[ReadByte()] = Peek(); break;              // BINPUT
                case (byte)'r': _memo[ReadUInt32()] = Peek(); break;            // LONG_BINPUT
                case 0x94: _memo[_memo.Count] = Peek(); break;                  // MEMOIZE
                case (byte)'h': Push(MemoGet(ReadByte())); break;               // BINGET
                case (byte)'j': Push(MemoGet(ReadUInt32())); break;             // LONG_BINGET
                case (byte)'(': _marks.Push(_stack.Count); break;               // MARK
                case (byte)'}': Push(new PickleDict()); break;                  // EMPTY_DICT
                case (byte)']': Push(new List<object?>()); break;               // EMPTY_LIST
                case (byte)')': Push(Array.Empty<object?>()); break;            // EMPTY_TUPLE
                case (byte)'t': Push(PopToMark().ToArray()); break;             // TUPLE
                case 0x85: Push(new[] { Pop() }); break;                        // TUPLE1
                case 0x86: { var b = Pop(); var a = Pop(); Push(new[] { a, b }); break; }            // TUPLE2
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); Push(new[] { a, b, c }); break; } // TUPLE3
                case (byte)'s': { var v = Pop(); var k = Pop(); SetItem(Peek(), k, v); break; }     // SETITEM
                case (byte)'u': SetItems(); break;                              // SETITEMS
                case (byte)'a': { var v = Pop(); AsList(Peek()).Add(v); break; } // APPEND
                case (byte)'e': { var items = PopToMark(); AsList(Peek()).AddRange(items); break; } // APPENDS
                case (byte)'J': Push((long)BinaryPrimitives.ReadInt32LittleEndian(ReadExact(4))); break; // BININT
                case (byte)'K': Push((long)ReadByte()); break;                  // BININT1
                case (byte)'M': Push((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadExact(2))); break; // BININT2
                case 0x8a: Push(ReadLong(ReadByte())); break;                   // LONG1
                case 0x8b: Push(ReadLong(ReadLength(ReadUInt32()))); break;     // LONG4
                case (byte)'G': Push(BinaryPrimitives.ReadDoubleBigEndian(ReadExact(8))); break; // BINFLOAT
                case (byte)'X': Push(Encoding.UTF8.GetString(ReadExact(ReadLength(ReadUInt32())))); break; // BINUNICODE
                case 0x8c: Push(Encoding.UTF8.GetString(ReadExact(ReadByte()))); break; // SHORT_BINUNICODE
                case 0x8d: Push(Encoding.UTF8.GetString(ReadExact(ReadLength(ReadUInt64())))); break; // BINUNICODE8
                case (byte)'T': Push(Encoding.Latin1.GetString(ReadExact(ReadLength(ReadUInt32())))); break; // BINSTRING
                case (byte)'U': Push(Encoding.Latin1.GetString(ReadExact(ReadByte()))); break; // SHORT_BINSTRING
                case (byte)'B': Push(ReadExact(ReadLength(ReadUInt32()))); break; // BINBYTES
                case (byte)'C': Push(ReadExact(ReadByte())); break;             // SHORT_BINBYTES
                case (byte)'N': Push(null); break;                              // NONE
                case 0x88: Push(true); break;                                   // NEWTRUE
                case 0x89: Push(false); break;                                  // NEWFALSE
                case (byte)'R': { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; } // REDUCE
                case 0x81: { var args = AsTuple(Pop()); Push(Call(Pop(), args)); break; }     // NEWOBJ
                case (byte)'b': Pop(); CheckBuildTarget(Peek()); break;       // BUILD
                case (byte)'Q': Push(persistentLoad(Pop())); break;             // BINPERSID
                case (byte)'0': Pop(); break;                                   // POP
                case (byte)'1': PopToMark(); break;                             // POP_MARK
                case (byte)'2': Push(Peek()); break;                            // DUP
                default:
                    throw new InvalidDataException($"unsupported pickle opcode 0x{op:x2} at byte {stream.Position - 1}");
            }
        }
    }

    private static object? Call(object? callable, object?[] args) => callable is PickleCallable c
        ? c.Invoke(args)
        : throw new InvalidDataException($"pickle calls a non-callable object ({Describe(callable)})");

    /// <summary>BUILD is accepted only on dicts: an OrderedDict's state holds attributes such as a state_dict's
    /// <c>_metadata</c> (layer versions), which are not needed, so the state is dropped.</summary>
    private static void CheckBuildTarget(object? target)
    {
        if (target is not PickleDict)
            throw new InvalidDataException($"pickle sets the state of an unsupported object ({Describe(target)})");
    }

    private void SetItems()
    {
        var items = PopToMark();
        if (items.Count % 2 != 0) throw new InvalidDataException("SETITEMS with an odd number of items");
        var target = Peek();
        for (int i = 0; i < items.Count; i += 2) SetItem(target, items[i], items[i + 1]);
    }

    private static void SetItem(object? target, object? key, object? value)
    {
        if (target is not PickleDict dict) throw new InvalidDataException($"SETITEM on a non-dict ({Describe(target)})");
        dict[key ?? throw new InvalidDataException("dict key is None")] = value;
    }

    private static List<object?> AsList(object? o) =>
        o as List<object?> ?? throw new InvalidDataException($"APPEND on a non-list ({Describe(o)})");

    private static object?[] AsTuple(object? o) =>
        o as object?[] ?? throw new InvalidDataException($"expected an argument tuple, found {Describe(o)}");

    internal static string Describe(object? o) => o switch
    {
        null => "None",
        PickleCallable c => c.Name,
        _ => o.GetType().Name,
    };

    private object? MemoGet(long index) =>
        _memo.TryGetValue(index, out var v) ? v : throw new InvalidDataException($"pickle memo entry {index} is missing");

    private void Push(object? o) => _stack.Add(o);

    private object? Peek() => _stack.Count > 0
        ? _stack[^1]
        : throw new InvalidDataException("pickle stack underflow");

    private object? Pop()
    {
        if (_stack.Count == 0 || (_marks.Count > 0 && _marks.Peek() == _stack.Count))
            throw new InvalidDataException("pickle stack underflow");
        var o = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return o;
    }

    private T PopAs<T>(string what) => Pop() is T t ? t : throw new InvalidDataException($"{what} has the wrong type");

    private List<object?> PopToMark()
    {
        if (_marks.Count == 0) throw new InvalidDataException("pickle MARK is missing");
        int start = _marks.Pop();
        var items = _stack.GetRange(start, _stack.Count - start);
        _stack.RemoveRange(start, _stack.Count - start);
        return items;
    }

    private object ReadLong(int n)
    {
        var value = new BigInteger(ReadExact(n), isUnsigned: false, isBigEndian: false);
        return value >= long.MinValue && value <= long.MaxValue ? (long)value : value;
    }

    private string ReadLine()
    {
        var sb = new StringBuilder();
        for (byte b = ReadByte(); b != (byte)'\n'; b = ReadByte())
        {
            if (sb.Length > 256) throw new InvalidDataException("pickle GLOBAL name is too long");
            sb.Append((char)b);
        }
        return sb.ToString();
    }

    private byte ReadByte()
    {
        int b = stream.ReadByte();
        return b < 0 ? throw new EndOfStreamException() : (byte)b;
    }

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadExact(4));

    private ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadExact(8));

    /// <summary>Checks a length prefix against what the stream can still hold, so corrupt input cannot force a huge allocation.</summary>
    private int ReadLength(ulong n)
    {
        long left = stream.CanSeek ? stream.Length - stream.Position : int.MaxValue;
        return n <= (ulong)left && n <= int.MaxValue ? (int)n : throw new EndOfStreamException();
    }

    private byte[] ReadExact(int n)
    {
        var buffer = new byte[n];
        stream.ReadExactly(buffer);
        return buffer;
    }
}
