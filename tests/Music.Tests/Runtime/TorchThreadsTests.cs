using MusicCluster.Music.Models;
using MusicCluster.Music.Runtime;
using MusicCluster.Music.Tests.Models;
using static TorchSharp.torch;

namespace MusicCluster.Music.Tests.Runtime;

/// <summary>
/// Small forward passes run on one intra-op thread, large ones on the count in force, and the count comes back
/// afterwards. Each case runs on a thread of its own: OpenMP keeps the count per thread.
/// </summary>
[Collection(TinyModels.Collection)]
public sealed class TorchThreadsTests
{
    [Fact]
    public void A_pass_gets_one_thread_per_64_positions_up_to_the_count_in_force_which_it_restores()
    {
        var seen = OnThread(threads: 2, () =>
        {
            var counts = new List<int>();
            using (TorchThreads.ForPass(1)) counts.Add(get_num_threads());
            counts.Add(get_num_threads());
            using (TorchThreads.ForPass(TorchThreads.PositionsPerThread * 2 - 1)) counts.Add(get_num_threads());
            using (TorchThreads.ForPass(100_000)) counts.Add(get_num_threads());
            counts.Add(get_num_threads());
            return counts;
        });
        Assert.Equal([1, 2, 1, 2, 2], seen);

        // Never more than the count in force.
        Assert.Equal([1], OnThread(threads: 1, () =>
        {
            using (TorchThreads.ForPass(100_000)) return new List<int> { get_num_threads() };
        }));
    }

    [Fact]
    public void A_one_token_generation_step_leaves_the_calling_threads_count_as_it_was()
    {
        using var generator = new TransformerGenerator(TinyModels.Config());
        generator.eval();
        var seen = OnThread(threads: 2, () =>
        {
            using var noGradient = no_grad();
            using var scope = NewDisposeScope();
            using var cache = generator.NewCache(1);
            generator.Step(tensor(new long[] { 1 }, [1, 1], dtype: ScalarType.Int64), cache);
            return new List<int> { get_num_threads() };
        });
        Assert.Equal([2], seen);
    }

    private static List<int> OnThread(int threads, Func<List<int>> body)
    {
        List<int>? result = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                TorchThreads.Use(threads);
                result = body();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new InvalidOperationException("the thread failed", failure);
        return result!;
    }
}
