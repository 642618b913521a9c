using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace MusicCluster.Music.Runtime;

/// <summary>
/// The fp32 fused multiply-add peak of this CPU, from what it reports: cores x clock x FMA units per core x lanes
/// per vector x 2 (a multiply and an add). Lanes: 16 with AVX-512, 8 with AVX2 + FMA, 4 otherwise (SSE, NEON).
/// Two FMA units per core, as every x86 server core since Haswell and Zen 2 has (an assumption: no instruction
/// reports it). Clock: cpufreq's maximum when the kernel exposes it, else /proc/cpuinfo's "cpu MHz" (a virtual
/// machine's nominal clock, below its boost). Cores: the logical processors this process may use.
/// </summary>
public sealed record CpuPeak(int Cores, double ClockGhz, int FmaUnitsPerCore, int Lanes, string Instructions)
{
    /// <summary>Peak GFLOP/s of the widest vector instructions the CPU has.</summary>
    public double Gflops => Cores * ClockGhz * FmaUnitsPerCore * Lanes * 2;

    /// <summary>Peak GFLOP/s with AVX2 vectors (8 lanes): what libraries that do not use AVX-512 can reach.</summary>
    public double Avx2Gflops => Cores * ClockGhz * FmaUnitsPerCore * Math.Min(Lanes, 8) * 2;

    public static CpuPeak Detect()
    {
        (int lanes, string instructions) = Avx512F.IsSupported ? (16, "AVX-512")
            : Fma.IsSupported && Avx2.IsSupported ? (8, "AVX2+FMA")
            : (4, "128-bit");
        return new CpuPeak(Environment.ProcessorCount, DetectClockGhz(), 2, lanes, instructions);
    }

    public override string ToString() =>
        $"{Cores} cores x {ClockGhz:F2} GHz x {FmaUnitsPerCore} FMA units x {Lanes} fp32 lanes ({Instructions}) x 2 = {Gflops:F0} GFLOP/s";

    private static double DetectClockGhz()
    {
        try
        {
            const string maxFrequency = "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq";
            if (File.Exists(maxFrequency) && double.TryParse(File.ReadAllText(maxFrequency).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double kilohertz))
                return kilohertz / 1e6;
            if (File.Exists("/proc/cpuinfo"))
            {
                double mhz = File.ReadLines("/proc/cpuinfo")
                    .Where(line => line.StartsWith("cpu MHz", StringComparison.Ordinal))
                    .Select(line => double.TryParse(line[(line.IndexOf(':') + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : 0)
                    .DefaultIfEmpty(0).Max();
                if (mhz > 0) return mhz / 1000;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return double.NaN; // unknown: the peak and the share come out NaN rather than a guess
    }
}
