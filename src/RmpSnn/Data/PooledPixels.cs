using System.Buffers;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace RmpSnn.Data;

/// <summary>An RGBA image buffer rented from <see cref="ArrayPool{T}.Shared"/> and pinned while Skia reads or writes it.</summary>
sealed class PooledPixels : IDisposable
{
    readonly byte[] _buffer;
    GCHandle _pin;

    /// <summary>Rents and pins a buffer for an image of <paramref name="info"/> (4 bytes per pixel).</summary>
    public PooledPixels(SKImageInfo info)
    {
        Info = info;
        _buffer = ArrayPool<byte>.Shared.Rent(info.BytesSize);
        _pin = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
    }

    /// <summary>Size and pixel format.</summary>
    public SKImageInfo Info { get; }

    /// <summary>The first pixel's address.</summary>
    public IntPtr Address => _pin.AddrOfPinnedObject();

    /// <summary>A Skia view of the pixels (dispose it before this buffer).</summary>
    public SKPixmap Pixmap() => new(Info, Address, Info.RowBytes);

    /// <summary>Writes the RGB planes of <paramref name="region"/> into <paramref name="planar"/> (3 × its area bytes).</summary>
    public void CopyPlanar(SKRectI region, Span<byte> planar)
    {
        int plane = region.Width * region.Height, rowBytes = Info.RowBytes;
        for (int y = 0; y < region.Height; y++)
        {
            var row = _buffer.AsSpan((region.Top + y) * rowBytes + region.Left * 4, region.Width * 4);
            for (int x = 0; x < region.Width; x++)
                for (int c = 0; c < 3; c++) planar[c * plane + y * region.Width + x] = row[x * 4 + c];
        }
    }

    /// <summary>Unpins the buffer and returns it to the pool.</summary>
    public void Dispose()
    {
        if (!_pin.IsAllocated) return;
        _pin.Free();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
