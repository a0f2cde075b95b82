using OnnxDiffusion.Models;

namespace OnnxDiffusion.Tests.Models;

public class ParallelRunsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(4, 3)]
    [InlineData(4, 4)]
    public void EachIndexRunsOncePerCall(int width, int count)
    {
        var hits = new int[width];
        var callers = new int[width];
        using var runs = new ParallelRuns(width, i => { Interlocked.Increment(ref hits[i]); callers[i] = Environment.CurrentManagedThreadId; }, "test");
        for (int call = 0; call < 50; call++)
            runs.Run(count);
        for (int i = 0; i < width; i++)
            Assert.Equal(i < count ? 50 : 0, hits[i]);
        Assert.Equal(Environment.CurrentManagedThreadId, callers[0]);
        Assert.Equal(count, callers.Take(count).Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void AFailureIsRethrownOnTheCallerAndTheRunnerStaysUsable(int failing)
    {
        bool fail = true;
        int done = 0;
        using var runs = new ParallelRuns(3, i =>
        {
            if (fail && i == failing)
                throw new InvalidOperationException($"index {i} failed");
            Interlocked.Increment(ref done);
        }, "test");
        var ex = Assert.Throws<InvalidOperationException>(() => runs.Run(3));
        Assert.Equal($"index {failing} failed", ex.Message);
        Assert.Equal(2, done);
        fail = false;
        runs.Run(3);
        Assert.Equal(5, done);
    }

    [Fact]
    public void MoreIndicesThanTheWidthAreRejected()
    {
        using var runs = new ParallelRuns(2, _ => { }, "test");
        Assert.Throws<ArgumentOutOfRangeException>(() => runs.Run(3));
    }
}
