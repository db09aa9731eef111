import CallCenter
import Foundation
import Logging
import Storage
import WebAPI

/// Opens the database and applies pending migrations: what every command does first.
func openStorage(_ options: StorageOptions, logger: Logger) async throws -> Database {
    try FileManager.default.createDirectory(atPath: options.dataDirectory, withIntermediateDirectories: true)
    let database = try await Database.open(url: options.databaseURL, logger: logger)
    do {
        try await Migrator.run(on: database.sql, logger: logger)
    } catch {
        try? await database.shutdown()
        throw error
    }
    return database
}

func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

/// Standard output is a pipe under tests and service managers: flush each line.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
