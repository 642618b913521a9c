using System.CommandLine;
using MusicCluster.Cli.Commands;
using MusicCluster.Music.Data;
using MusicCluster.Music.Midi;

var root = new RootCommand("musiccluster: datasets, training, generation, scoring and benchmarks for MusicCluster");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(DatasetCommand.Create(new DelegatePieceReader(path => MidiFileReader.ReadFile(path))));
root.Subcommands.Add(ConvertCommand.Create(
    readMidi: path => MidiFileReader.ReadFile(path),
    encodeMidi: piece => MidiFileWriter.Write(piece)));
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(GenerateCommand.Create(new PieceFiles(
    Read: path => MidiFileReader.ReadFile(path),
    Write: (piece, path) => MidiFileWriter.WriteFile(piece, path))));
return await CliRunner.RunAsync(root, args);
