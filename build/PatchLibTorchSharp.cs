#nullable enable
// Marks one symbol-version requirement of an ELF64 shared library as weak (VER_FLG_WEAK), so the dynamic loader
// accepts a host whose library lacks that version. Used by Directory.Build.targets (as an inline MSBuild task) to
// make TorchSharp's libLibTorchSharp.so load on hosts whose libstdc++ lacks GLIBCXX_3.4.32, and by the tests.
// The patcher is free of MSBuild types; tests compile this file with ELF_PATCHER_ONLY to test it alone.
using System;
using System.IO;
using System.Linq;
using System.Text;
#if !ELF_PATCHER_ONLY
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace MusicCluster.Build;

public enum ElfPatchOutcome { Patched, AlreadyWeak, VersionNotRequired }

public static class ElfVersionNeedPatcher
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlagWeak = 0x2;

    /// <summary>True when the file contains the NUL-terminated version name (a version the library defines).</summary>
    public static bool LibraryDefinesVersion(string libraryPath, string version)
    {
        byte[] bytes = File.ReadAllBytes(libraryPath);
        byte[] needle = Encoding.ASCII.GetBytes(version + "\0");
        return IndexOf(bytes, needle, 0) >= 0;
    }

    /// <summary>Reads the flags of the requirement for <paramref name="version"/>, or null when not required.</summary>
    public static ushort? ReadRequirementFlags(string libraryPath, string version)
    {
        byte[] elf = File.ReadAllBytes(libraryPath);
        int offset = FindVernauxFlagsOffset(elf, version, libraryPath);
        return offset < 0 ? null : BitConverter.ToUInt16(elf, offset);
    }

    /// <summary>
    /// Sets VER_FLG_WEAK on the requirement for <paramref name="version"/>. Writes a new file next to the
    /// original and renames it over, so a hard-linked copy elsewhere (the NuGet cache) is never modified.
    /// </summary>
    public static ElfPatchOutcome MarkRequirementWeak(string libraryPath, string version)
    {
        byte[] elf = File.ReadAllBytes(libraryPath);
        int flagsOffset = FindVernauxFlagsOffset(elf, version, libraryPath);
        if (flagsOffset < 0) return ElfPatchOutcome.VersionNotRequired;
        ushort flags = BitConverter.ToUInt16(elf, flagsOffset);
        if ((flags & VerFlagWeak) != 0) return ElfPatchOutcome.AlreadyWeak;
        flags |= VerFlagWeak;
        elf[flagsOffset] = (byte)(flags & 0xff);
        elf[flagsOffset + 1] = (byte)(flags >> 8);

        // Copy (keeps the file mode), patch the two bytes in the copy, then rename it over the original: the
        // original inode, which may be a hard link into the NuGet cache, is never written.
        string temporary = libraryPath + ".patching";
        File.Copy(libraryPath, temporary, overwrite: true);
        using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.Write))
        {
            stream.Position = flagsOffset;
            stream.Write(elf, flagsOffset, 2);
        }
        File.Replace(temporary, libraryPath, destinationBackupFileName: null);
        return ElfPatchOutcome.Patched;
    }

    private static int FindVernauxFlagsOffset(byte[] elf, string version, string path)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{path}: not an ELF file (bad magic at byte 0)");
        if (elf[4] != 2) throw new InvalidDataException($"{path}: not a 64-bit ELF file (byte 4 = {elf[4]})");
        if (elf[5] != 1) throw new InvalidDataException($"{path}: not a little-endian ELF file (byte 5 = {elf[5]})");

        ulong sectionTable = ReadU64(elf, 0x28, path);
        ushort sectionSize = ReadU16(elf, 0x3A, path);
        ushort sectionCount = ReadU16(elf, 0x3C, path);
        for (int i = 0; i < sectionCount; i++)
        {
            int header = Checked(sectionTable + (ulong)(i * sectionSize), 64, elf, path, "section header");
            if (ReadU32(elf, header + 4, path) != ShtGnuVerneed) continue;
            int verneed = Checked(ReadU64(elf, header + 24, path), 16, elf, path, ".gnu.version_r");
            uint stringTableIndex = ReadU32(elf, header + 40, path);
            uint entryCount = ReadU32(elf, header + 44, path);
            int stringHeader = Checked(sectionTable + stringTableIndex * (ulong)sectionSize, 64, elf, path, "string table header");
            ulong strings = ReadU64(elf, stringHeader + 24, path);
            return FindInVerneedChain(elf, verneed, entryCount, strings, version, path);
        }
        return -1;
    }

    private static int FindInVerneedChain(byte[] elf, int verneed, uint entryCount, ulong strings, string version, string path)
    {
        for (uint entry = 0; entry < entryCount; entry++)
        {
            ushort auxCount = ReadU16(elf, verneed + 2, path);
            int aux = Checked((ulong)verneed + ReadU32(elf, verneed + 8, path), 16, elf, path, "vernaux entry");
            for (int a = 0; a < auxCount; a++)
            {
                uint nameOffset = ReadU32(elf, aux + 8, path);
                if (NameAt(elf, strings + nameOffset, path) == version) return aux + 4;
                uint next = ReadU32(elf, aux + 12, path);
                if (next == 0) break;
                aux = Checked((ulong)aux + next, 16, elf, path, "vernaux entry");
            }
            uint nextNeed = ReadU32(elf, verneed + 12, path);
            if (nextNeed == 0) break;
            verneed = Checked((ulong)verneed + nextNeed, 16, elf, path, "verneed entry");
        }
        return -1;
    }

    private static string NameAt(byte[] elf, ulong offset, string path)
    {
        int start = Checked(offset, 1, elf, path, "version name");
        int end = Array.IndexOf(elf, (byte)0, start);
        if (end < 0) throw new InvalidDataException($"{path}: unterminated string at byte {start}");
        return Encoding.ASCII.GetString(elf, start, end - start);
    }

    private static int Checked(ulong offset, int length, byte[] elf, string path, string what)
    {
        if (offset > (ulong)(elf.Length - length))
            throw new InvalidDataException($"{path}: {what} at byte {offset} lies beyond the end of the file ({elf.Length} bytes)");
        return (int)offset;
    }

    private static ushort ReadU16(byte[] elf, int offset, string path) => BitConverter.ToUInt16(elf, Checked((ulong)offset, 2, elf, path, "field"));
    private static uint ReadU32(byte[] elf, int offset, string path) => BitConverter.ToUInt32(elf, Checked((ulong)offset, 4, elf, path, "field"));
    private static ulong ReadU64(byte[] elf, int offset, string path) => BitConverter.ToUInt64(elf, Checked((ulong)offset, 8, elf, path, "field"));

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        for (int i = start; i <= haystack.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}

#if !ELF_PATCHER_ONLY
// The MSBuild task: finds libLibTorchSharp.so in an output folder and, when the host's libstdc++ lacks the version
// it asks for, marks that requirement weak. See DESIGN "TorchSharp on Linux".
public class PatchLibTorchSharp : Microsoft.Build.Utilities.Task
{
private const string RequiredVersion = "GLIBCXX_3.4.32";
private static readonly string[] LibStdCxxCandidates =
{
    "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
    "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
};

[Required] public string OutputDirectory { get; set; } = "";

public override bool Execute()
{
    if (!System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) || !Directory.Exists(OutputDirectory)) return true;
    var libraries = new[] { Path.Combine(OutputDirectory, "libLibTorchSharp.so"),
                            Path.Combine(OutputDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so") }
        .Where(File.Exists).ToArray();
    if (libraries.Length == 0) return true;

    string? libStdCxx = LibStdCxxCandidates.FirstOrDefault(File.Exists);
    if (libStdCxx is null)
    {
        Log.LogMessage(MessageImportance.High, "TorchSharp native fix: no libstdc++.so.6 found on this host; left libLibTorchSharp.so unchanged.");
        return true;
    }
    if (MusicCluster.Build.ElfVersionNeedPatcher.LibraryDefinesVersion(libStdCxx, RequiredVersion))
    {
        Log.LogMessage(MessageImportance.Low, $"TorchSharp native fix: {libStdCxx} provides {RequiredVersion}; nothing to do.");
        return true;
    }
    foreach (string library in libraries)
    {
        try
        {
            MusicCluster.Build.ElfPatchOutcome outcome = MusicCluster.Build.ElfVersionNeedPatcher.MarkRequirementWeak(library, RequiredVersion);
            string what = outcome switch
            {
                MusicCluster.Build.ElfPatchOutcome.Patched => $"marked the {RequiredVersion} requirement weak (host libstdc++ lacks it)",
                MusicCluster.Build.ElfPatchOutcome.AlreadyWeak => $"{RequiredVersion} requirement already weak",
                _ => $"library does not require {RequiredVersion}",
            };
            Log.LogMessage(MessageImportance.High, $"TorchSharp native fix: {library}: {what}.");
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Log.LogError($"TorchSharp native fix failed for {library}: {e.Message}");
            return false;
        }
    }
    return true;
}
}
#endif
