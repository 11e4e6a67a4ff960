import type { Settings } from './settings.js'

/**
 * The settings, with every option a command reads reported to `onRead` by its flag name. A test runs each
 * command with every option its help lists and checks each one was read: help lists nothing a command
 * ignores.
 */
export function trackReads(settings: Settings, onRead: (option: string) => void): Settings {
  const watch = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(object, key, receiver) {
        if (typeof key === 'string') onRead(flagName(key))
        return Reflect.get(object, key, receiver)
      },
    })
  return new Proxy(
    {
      ...settings,
      global: watch(settings.global),
      job: watch(settings.job),
      given: { ...settings.given, values: watch(settings.given.values) },
    },
    {
      get(object, key, receiver) {
        if (key === 'statusFilter') onRead('status')
        return Reflect.get(object, key, receiver)
      },
    },
  )
}

function flagName(property: string): string {
  const kebab = property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return kebab.endsWith('-ms') ? kebab.slice(0, -3) : kebab
}
