// Rewrites one GNU version-need entry of an ELF64 little-endian shared library, e.g. the
// GLIBCXX_3.4.32 need of TorchSharp's libLibTorchSharp.so, to an older version string that the
// library's .dynstr already holds (GLIBCXX_3.4.30), so that it loads on Debian 12's libstdc++.
// Only the vna_name offset and vna_hash of that entry change; nothing moves. Idempotent.
using System;
using System.IO;
using System.Text;

/// <summary>Patches GNU version-need (<c>.gnu.version_r</c>) entries of ELF64 little-endian files.</summary>
public static class ElfVersionNeedPatcher
{
    const uint ShtGnuVerneed = 0x6ffffffe;

    /// <summary>Outcome of <see cref="Patch"/>.</summary>
    public enum Result { Patched, AlreadyPatched, NotNeeded }

    /// <summary>
    /// Points every version-need entry named <paramref name="from"/> at the existing string <paramref name="to"/>.
    /// Returns <see cref="Result.AlreadyPatched"/> when no entry names <paramref name="from"/> but one names <paramref name="to"/>,
    /// <see cref="Result.NotNeeded"/> when neither is needed.
    /// </summary>
    public static Result Patch(string path, string from, string to)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{path}: not an ELF64 little-endian file");

        long shoff = (long)BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        long Section(int index) => shoff + (long)index * shentsize;

        for (int s = 0; s < shnum; s++)
        {
            long sh = Section(s);
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long verneed = (long)BitConverter.ToUInt64(elf, (int)sh + 24);
            int count = (int)BitConverter.ToUInt32(elf, (int)sh + 44);          // sh_info = number of Verneed records
            long dynstr = (long)BitConverter.ToUInt64(elf, (int)Section((int)BitConverter.ToUInt32(elf, (int)sh + 40)) + 24);

            int toOffset = FindString(elf, dynstr, to);
            bool sawFrom = false, sawTo = false;
            long vn = verneed;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BitConverter.ToUInt16(elf, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(elf, (int)vn + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    string name = ReadString(elf, dynstr + BitConverter.ToUInt32(elf, (int)aux + 8));
                    if (name == from)
                    {
                        if (toOffset < 0) throw new InvalidDataException($"{path}: .dynstr has no '{to}' string to point '{from}' at");
                        BitConverter.GetBytes(ElfHash(to)).CopyTo(elf, aux);             // vna_hash
                        BitConverter.GetBytes((uint)toOffset).CopyTo(elf, aux + 8);      // vna_name
                        sawFrom = true;
                    }
                    else if (name == to) sawTo = true;
                    aux += BitConverter.ToUInt32(elf, (int)aux + 12);                   // vna_next
                }
                vn += BitConverter.ToUInt32(elf, (int)vn + 12);                          // vn_next
            }
            if (!sawFrom) return sawTo ? Result.AlreadyPatched : Result.NotNeeded;
            string temp = path + ".patching";
            File.WriteAllBytes(temp, elf);
            File.Delete(path);
            File.Move(temp, path);
            return Result.Patched;
        }
        return Result.NotNeeded;
    }

    /// <summary>True when some libstdc++ the dynamic linker would find already defines <paramref name="version"/>.</summary>
    public static bool SystemLibStdCxxHas(string version)
    {
        string[] dirs = { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/lib/aarch64-linux-gnu" };
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        foreach (string dir in dirs)
        {
            string lib = Path.Combine(dir, "libstdc++.so.6");
            if (File.Exists(lib)) return IndexOf(File.ReadAllBytes(lib), needle, 0) >= 0;
        }
        return true; // no system libstdc++ found: nothing to adapt to
    }

    /// <summary>The System V ELF symbol hash used in <c>vna_hash</c>.</summary>
    public static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    static int FindString(byte[] elf, long table, string value)
    {
        byte[] needle = Encoding.ASCII.GetBytes("\0" + value + "\0");
        int at = IndexOf(elf, needle, (int)table);
        return at < 0 ? -1 : (int)(at + 1 - table);
    }

    // Written out rather than Span.IndexOf: MSBuild compiles this file for netstandard2.0.
    static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        for (int i = start; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }

    static string ReadString(byte[] elf, long offset)
    {
        int end = Array.IndexOf(elf, (byte)0, (int)offset);
        return Encoding.ASCII.GetString(elf, (int)offset, end - (int)offset);
    }
}

#if !ELF_PATCH_LIBRARY_ONLY
/// <summary>MSBuild task: patches libLibTorchSharp.so in the output folder when the machine's libstdc++ lacks GLIBCXX_3.4.32.</summary>
public sealed class PatchTorchSharpNative : Microsoft.Build.Utilities.Task
{
    /// <summary>The folder whose copies of libLibTorchSharp.so are patched.</summary>
    [Microsoft.Build.Framework.Required] public string OutputDirectory { get; set; } = "";

    public override bool Execute()
    {
        if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux)
            || !Directory.Exists(OutputDirectory))
            return true;
        if (ElfVersionNeedPatcher.SystemLibStdCxxHas("GLIBCXX_3.4.32")) return true;
        foreach (string lib in Directory.EnumerateFiles(OutputDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories))
        {
            var result = ElfVersionNeedPatcher.Patch(lib, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");
            if (result == ElfVersionNeedPatcher.Result.Patched)
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High, $"Patched GLIBCXX_3.4.32 -> GLIBCXX_3.4.30 in {lib}");
        }
        return true;
    }
}
#endif
