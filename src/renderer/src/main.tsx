import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './App'
import { defaultBridge } from './lib/bridge'
import { applyTheme } from './lib/theme'
import './styles.css'

applyTheme()
const root = document.getElementById('root')
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App bridge={defaultBridge()} />
    </StrictMode>,
  )
}
