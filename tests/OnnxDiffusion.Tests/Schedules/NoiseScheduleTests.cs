using OnnxDiffusion.Schedules;

namespace OnnxDiffusion.Tests.Schedules;

public class NoiseScheduleTests
{
    [Fact]
    public void LinearScheduleMatchesPublishedCheckValues()
    {
        var s = new NoiseSchedule(new SchedulerConfig());
        Assert.Equal(0.9999, s.AlphasCumprod[0], 12);
        Assert.Equal(0.0785872, s.AlphasCumprod[499], 6);
        Assert.Equal(4.0358e-5, s.AlphasCumprod[999], 8);
        Assert.Equal(0.02, s.Betas[999], 15);
    }

    [Fact]
    public void CosineScheduleMatchesPublishedCheckValues()
    {
        var s = new NoiseSchedule(new SchedulerConfig { BetaSchedule = BetaSchedule.SquaredCosCapV2 });
        Assert.Equal(4.128e-5, s.Betas[0], 8);
        Assert.Equal(0.999, s.Betas[999], 12);
    }

    [Fact]
    public void ScaledLinearIsTheSquareOfALinearRamp()
    {
        var s = new NoiseSchedule(new SchedulerConfig { BetaSchedule = BetaSchedule.ScaledLinear, BetaStart = 0.00085, BetaEnd = 0.012 });
        double a = Math.Sqrt(0.00085), b = Math.Sqrt(0.012);
        for (int t = 0; t < 1000; t += 111)
        {
            double r = a + (b - a) * t / 999.0;
            Assert.Equal(r * r, s.Betas[t], 14);
        }
        Assert.Equal(0.012, s.Betas[999], 14);
    }

    [Fact]
    public void TrainedBetasAreUsedAsGiven()
    {
        var betas = Enumerable.Range(0, 10).Select(i => 0.05 + 0.01 * i).ToArray();
        var s = new NoiseSchedule(new SchedulerConfig { NumTrainTimesteps = 10, TrainedBetas = betas });
        double acc = 1;
        for (int i = 0; i < 10; i++)
        {
            acc *= 1 - betas[i];
            Assert.Equal(acc, s.AlphasCumprod[i], 15);
        }
    }

    [Fact]
    public void KernelTablesAreFloat64RootsRoundedOnce()
    {
        var s = new NoiseSchedule(new SchedulerConfig());
        for (int t = 0; t < 1000; t++)
        {
            Assert.Equal((float)Math.Sqrt(s.AlphasCumprod[t]), s.SqrtAlphaBar[t]);
            Assert.Equal((float)Math.Sqrt(1 - s.AlphasCumprod[t]), s.SqrtOneMinusAlphaBar[t]);
        }
        // Near t = 0, float32 arithmetic on ᾱ would give a visibly different √(1−ᾱ).
        Assert.Equal(0.01f, s.SqrtOneMinusAlphaBar[0], 7);
    }
}
